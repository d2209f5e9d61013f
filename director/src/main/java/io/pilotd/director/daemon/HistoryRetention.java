package io.pilotd.director.daemon;

import io.pilotd.director.background.Background;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.DatabaseHealth;
import io.pilotd.director.store.DutyTurns;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database's history trimmed by one director of a cluster at a time: the cluster duty
 * {@code retention}, which every director tries to take each period (at start-up first), so
 * that a dead holder's is taken within one. A failed trim is tried again the next period by the
 * same holder: the database it needs is the one every director shares. It runs as the background
 * task {@code history-retention}, and stops with the others.
 */
final class HistoryRetention {
    private static final Logger log = LoggerFactory.getLogger(HistoryRetention.class);

    private final DutyTurns turns;
    private final Runnable trim;
    private final DatabaseHealth health;

    HistoryRetention(ClusterDuties duties, Runnable trim, DatabaseHealth health) {
        this.turns = new DutyTurns(duties, ClusterDuties.Duty.RETENTION);
        this.trim = trim;
        this.health = health;
    }

    void start(Background background, Duration every) {
        background.every("history-retention", Duration.ZERO, every, this::round);
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
}
