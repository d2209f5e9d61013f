package io.pilotd.director.daemon;

import io.pilotd.driver.api.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the cycles Quartz finds due run: on {@code director.threads} threads of the director's
 * own, so that a Quartz fire hands over its queues and returns (one fire starts many cycles, and
 * Quartz's threads never wait on a cloud). A queue already waiting or cycling here is not
 * handed over twice.
 *
 * <p>A queue whose last cycle took longer than {@link #SLOW} (a slow cloud) runs its next on a
 * second set of as many threads: it delays only the queues behind the same kind of cloud, never
 * the others. It comes back once a cycle of it is quick again.
 */
final class CycleLanes {
    private static final Logger log = LoggerFactory.getLogger(CycleLanes.class);
    /** Far above a cycle on a cloud that answers (tens to hundreds of milliseconds a call). */
    static final Duration SLOW = Duration.ofSeconds(2);

    private final ExecutorService quick;
    private final ExecutorService slowLane;
    private final Set<String> slow = ConcurrentHashMap.newKeySet();
    private final Set<String> handedOver = ConcurrentHashMap.newKeySet();

    CycleLanes(int threads) {
        this.quick = Executors.newFixedThreadPool(threads, named("cycle-"));
        this.slowLane = Executors.newFixedThreadPool(threads, named("slow-cycle-"));
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Runs the queue's cycle on its lane, unless it is waiting or cycling here already.
     *
     * @return false when it was, or the lanes are stopping
     */
    boolean handOver(String queue, Runnable cycle) {
        if (!handedOver.add(queue)) {
            return false;
        }
        try {
            (slow.contains(queue) ? slowLane : quick).execute(() -> {
                try {
                    cycle.run();
                } finally {
                    handedOver.remove(queue);
                }
            });
            return true;
        } catch (RejectedExecutionException stopping) {
            handedOver.remove(queue);
            return false;
        }
    }

    /**
     * Starts in the slow lane the queues whose last recorded cycle was slow, so that a restart
     * does not put them back beside the others for a round.
     */
    void slowAtStart(Map<String, Duration> lastCycles) {
        lastCycles.forEach((queue, took) -> {
            if (took.compareTo(SLOW) > 0) {
                slow.add(queue);
            }
        });
        if (!slow.isEmpty()) {
            log.info("{} queue(s) whose last cycle was slow start on the slow lane: {}", slow.size(),
                    String.join(", ", slow.stream().sorted().limit(10).toList()) + (slow.size() > 10 ? ", ..." : ""));
        }
    }

    /** Files a cycle's duration: it decides which lane the queue's next cycle runs in. */
    void took(String queue, Duration cycle) {
        if (cycle.compareTo(SLOW) > 0) {
            if (slow.add(queue)) {
                log.info("[{}] its cycle took {}: its cycles run apart from the other queues' until one is quick again",
                        queue, Durations.format(cycle));
            }
        } else if (slow.remove(queue)) {
            log.info("[{}] its cycle is quick again: it runs with the other queues", queue);
        }
    }

    boolean stopping() {
        return quick.isShutdown();
    }

    /** Takes no more cycles; those waiting or running go on. */
    void closeIntake() {
        quick.shutdown();
        slowLane.shutdown();
    }

    /** Lets the cycles handed over finish, until {@code deadline}; then interrupts them. */
    void await(Instant deadline) {
        try {
            for (ExecutorService lane : List.of(quick, slowLane)) {
                long left = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
                if (!lane.awaitTermination(left, TimeUnit.MILLISECONDS)) {
                    log.warn("cycles still running at the end of the shutdown grace: stopped");
                    lane.shutdownNow();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            quick.shutdownNow();
            slowLane.shutdownNow();
        }
    }
}
