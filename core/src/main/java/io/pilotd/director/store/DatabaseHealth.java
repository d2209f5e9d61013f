package io.pilotd.director.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a database outage from a cycle's own failure, and says so once: a WARN when the first
 * cycle finds the database away, an INFO when one finds it back, and nothing from the cycles
 * in between (with 1,000 queues, one line per queue and cycle would bury everything else).
 */
public final class DatabaseHealth {
    private static final Logger log = LoggerFactory.getLogger(DatabaseHealth.class);

    private final AtomicReference<Instant> downSince = new AtomicReference<>();

    /** @return true when the failure was the database being away (and has been reported) */
    public boolean failed(Throwable e) {
        if (!isConnectionFailure(e)) {
            return false;
        }
        if (downSince.compareAndSet(null, Instant.now())) {
            log.warn("the database is unreachable: no cycle can run, nothing is submitted until it is back ({})",
                    message(e));
        }
        return true;
    }

    public void succeeded() {
        Instant since = downSince.getAndSet(null);
        if (since != null) {
            log.info("the database is back after {}s: cycles resume", Duration.between(since, Instant.now()).toSeconds());
        }
    }

    /** SQLSTATE class 08 (connection exception), or the pool's own time-out waiting for one. */
    public static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().equals("57P01")
                        || sql.getSQLState().equals("57P03"))) {
                return true;
            }
        }
        return false;
    }

    private static String message(Throwable e) {
        Throwable last = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            last = t;
        }
        return last.getMessage() == null ? last.getClass().getSimpleName() : last.getMessage();
    }
}
