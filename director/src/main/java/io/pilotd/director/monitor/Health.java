package io.pilotd.director.monitor;

import io.pilotd.director.store.QueueState;
import io.pilotd.director.store.StatusStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether the director is well: its database answers, and every configured queue has cycled
 * lately (within twice its period and a minute: a queue in back-off or disabled still cycles and
 * records it, so only a director that stopped cycling it goes stale).
 */
final class Health {
    static final Duration GRACE = Duration.ofMinutes(1);

    /** @param queues each queue's state (null when the database did not answer) */
    record Verdict(boolean healthy, String database, Map<String, QueueHealth> queues) {
    }

    record QueueHealth(Long lastCycleAgeSeconds, boolean stale) {
    }

    private final StatusStore store;
    private final Clock clock;
    private final Instant started;

    Health(StatusStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.started = clock.instant();
    }

    Verdict check() {
        List<QueueState> states;
        try {
            states = store.queues();
        } catch (RuntimeException e) {
            return new Verdict(false, "unreachable: " + e.getMessage(), null);
        }
        return judge(states);
    }

    /** The verdict on queues read already (the status page reads them once for both). */
    Verdict judge(List<QueueState> states) {
        Instant now = clock.instant();
        Map<String, QueueHealth> queues = new LinkedHashMap<>();
        boolean healthy = true;
        for (QueueState q : states) {
            // A queue not cycled since this director started is measured from the start.
            Instant last = q.lastCycleEnded();
            Instant since = last == null || last.isBefore(started) ? started : last;
            boolean stale = Duration.between(since, now).compareTo(q.cycle().multipliedBy(2).plus(GRACE)) > 0;
            healthy &= !stale;
            queues.put(q.name(), new QueueHealth(last == null ? null : Duration.between(last, now).toSeconds(), stale));
        }
        return new Verdict(healthy, "ok", queues);
    }
}
