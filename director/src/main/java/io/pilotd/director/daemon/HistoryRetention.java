package io.pilotd.director.daemon;

import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.DutyTurns;
import io.pilotd.driver.api.Durations;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database's history trimmed by one director of a cluster at a time: the cluster duty
 * {@code retention}, which every director tries to take each period (at start-up first), so
 * that a dead holder's is taken within one. A failed trim is tried again the next period by the
 * same holder: the database it needs is the one every director shares.
 */
final class HistoryRetention implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HistoryRetention.class);

    private final DutyTurns turns;
    private final Runnable trim;
    private final DatabaseHealth health;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "history-retention");
        t.setDaemon(true);
        return t;
    });

    HistoryRetention(ClusterDuties duties, Runnable trim, DatabaseHealth health) {
        this.turns = new DutyTurns(duties, ClusterDuties.Duty.RETENTION);
        this.trim = trim;
        this.health = health;
    }

    void start(Duration every) {
        timer.scheduleWithFixedDelay(this::round, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        log.debug("the history's retention tried every {}", Durations.format(every));
    }

    private void round() {
        try {
            DutyTurns.Turn turn = turns.next();
            if (turn == DutyTurns.Turn.TAKEN) {
                log.info("this director trims the cluster's history (retention)");
            }
            if (turn.doing()) {
                trim.run();
            }
        } catch (RuntimeException e) {
            if (!health.failed(e)) {
                log.warn("trimming the history failed, tried again at the next run: {}", e.getMessage(), e);
            }
        }
    }

    /** Stops trying; the duty goes with the director's duty session. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
