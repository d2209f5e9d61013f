package io.pilotd.director.demand;

import io.pilotd.director.background.Background;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs the cycles of the queues that serve new waiting jobs now rather than at their next
 * period, but never sooner than {@code demand.minGap} after the queue's last cycle started. A
 * wake-up is served by the first cycle of the queue that starts after it, woken or periodic:
 * one whose queue is cycling already runs once that cycle has ended, and any wake-ups meanwhile
 * are that one cycle. The cycle itself is the queue's own, so every limit holds.
 */
public final class WakeUps {
    /** How soon a wake-up whose queue was cycling is tried again. */
    static final Duration RETRY = Duration.ofMillis(250);

    /** Hands a queue's cycle, due now, to the director's threads. */
    @FunctionalInterface
    public interface HandOver {
        /** @return false when the queue is waiting or cycling already */
        boolean handOver(String queue, Instant due);
    }

    private final Duration minGap;
    private final Clock clock;
    private final HandOver handOver;
    private final Map<String, Instant> lastStarted = new ConcurrentHashMap<>();
    /** The queues woken and not yet served, with the earliest wake-up of each. */
    private final Map<String, Instant> pending = new ConcurrentHashMap<>();
    private final Background background;

    /** Its later attempts run as the background task {@code wake-up}, and stop with the others. */
    public WakeUps(Duration minGap, Clock clock, HandOver handOver, Background background) {
        this.minGap = minGap;
        this.clock = clock;
        this.handOver = handOver;
        this.background = background;
    }

    /** A cycle of this queue started then (each cycle, woken or periodic, says so once it has run). */
    public void started(String queue, Instant at) {
        lastStarted.merge(queue, at, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** These queues serve new waiting jobs. */
    public void wake(Set<String> queues) {
        Instant now = clock.instant();
        for (String queue : queues) {
            if (pending.putIfAbsent(queue, now) == null) {
                attempt(queue);
            }
        }
    }

    private synchronized void attempt(String queue) {
        Instant requested = pending.get(queue);
        if (requested == null) {
            return;
        }
        Instant last = lastStarted.get(queue);
        if (last != null && last.isAfter(requested)) {
            pending.remove(queue, requested);
            return;
        }
        Instant now = clock.instant();
        Instant earliest = last == null ? now : last.plus(minGap);
        if (earliest.isAfter(now)) {
            later(queue, Duration.between(now, earliest));
            return;
        }
        // served from here on: a wake-up that comes while the cycle is handed over is one of its own
        pending.remove(queue, requested);
        if (!handOver.handOver(queue, now)) {
            pending.merge(queue, requested, (a, b) -> a.isBefore(b) ? a : b);
            later(queue, RETRY);
        }
    }

    private void later(String queue, Duration delay) {
        if (!background.after("wake-up", delay, () -> attempt(queue))) {
            pending.remove(queue);
        }
    }
}
