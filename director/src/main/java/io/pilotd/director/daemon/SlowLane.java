package io.pilotd.director.daemon;

import io.pilotd.driver.api.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps queues behind a slow cloud from holding the scheduler's threads: a queue whose last
 * cycle took longer than {@link #SLOW} runs its next on threads of its own (as many as the
 * scheduler's), and the scheduler's thread goes back to the other queues at once. A slow cloud
 * then delays only its own queues' cycles. A queue comes back when a cycle of it is quick again.
 */
final class SlowLane {
    private static final Logger log = LoggerFactory.getLogger(SlowLane.class);
    /** Far above a cycle on a cloud that answers (tens to hundreds of milliseconds a call). */
    static final Duration SLOW = Duration.ofSeconds(2);

    private final ExecutorService threads;
    private final Set<String> slow = ConcurrentHashMap.newKeySet();

    SlowLane(int threadCount) {
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(threadCount, r -> {
            Thread t = new Thread(r, "slow-cycle-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    boolean isSlow(String queue) {
        return slow.contains(queue);
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

    /** @throws RejectedExecutionException once the lane is stopping */
    void run(Runnable cycle) {
        threads.execute(cycle);
    }

    /** Takes no more cycles; those in flight go on. */
    void closeIntake() {
        threads.shutdown();
    }

    /** Lets the cycles in flight finish, until {@code deadline}. */
    void await(Instant deadline) {
        try {
            if (!threads.awaitTermination(Math.max(0, Duration.between(Instant.now(), deadline).toMillis()),
                    TimeUnit.MILLISECONDS)) {
                log.warn("slow-lane cycles still running at the end of the shutdown grace: stopped");
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            threads.shutdownNow();
        }
    }
}
