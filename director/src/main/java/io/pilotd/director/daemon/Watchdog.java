package io.pilotd.director.daemon;

import io.pilotd.director.background.Background;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.DatabaseHealth;
import io.pilotd.director.store.DirectorRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the daemon's footing while it runs: the embedded PostgreSQL alive (started again when
 * it dies), and the director lock held (taken again after an outage broke its connection).
 * What it cannot mend (the server will not start, another director took the database) stops
 * the daemon with a failure, so that systemd restarts it. It runs as the background task
 * {@code watchdog}; closing it gives the lock back.
 */
final class Watchdog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Watchdog.class);
    static final Duration PERIOD = Duration.ofSeconds(5);
    private static final int RESTART_ATTEMPTS = 3;

    private final Database database;
    private final DatabaseHealth health;
    private final Supplier<DirectorRegistry> register;
    private volatile DirectorRegistry registry;
    private volatile String fatal;
    private int failedRestarts;

    Watchdog(Database database, DatabaseHealth health, DirectorRegistry registry, Supplier<DirectorRegistry> register,
             Background background) {
        this.database = database;
        this.health = health;
        this.registry = registry;
        this.register = register;
        background.every("watchdog", PERIOD, PERIOD, this::check);
    }

    /** Why the daemon must stop, once it must. */
    Optional<String> fatal() {
        return Optional.ofNullable(fatal);
    }

    private void check() {
        try {
            if (database.restartEmbeddedIfDead()) {
                log.warn("the embedded PostgreSQL had died: started again; cycles resume on their own");
            }
            failedRestarts = 0;
        } catch (Exception e) {
            failedRestarts++;
            log.error("the embedded PostgreSQL is down and does not start again ({} of {}): {}", failedRestarts,
                    RESTART_ATTEMPTS, e.getMessage());
            if (failedRestarts >= RESTART_ATTEMPTS) {
                fatal = "the embedded PostgreSQL does not start again: " + e.getMessage();
            }
            return;
        }
        // The lock's connection doubles as the daemon's probe of the database: Quartz cannot fire
        // a cycle while the database is away, so no cycle would notice the outage.
        if (registry.holding()) {
            health.succeeded();
            return;
        }
        registry.close();
        try {
            registry = register.get();
            health.succeeded();
        } catch (DirectorRegistry.AnotherDirectorException e) {
            fatal = "lost the database to another director while it was away: " + e.getMessage();
            log.error(fatal);
        } catch (RuntimeException e) {
            if (!health.failed(e)) {
                log.warn("the director lock cannot be taken again yet: {}", e.getMessage());
            }
        }
    }

    /** Gives the director lock back: after the background has stopped, so that no check takes it again. */
    @Override
    public void close() {
        registry.close();
    }
}
