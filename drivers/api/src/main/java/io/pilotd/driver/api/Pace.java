package io.pilotd.driver.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Paces a driver's calls to a rate-limited API, so that pilotd does not cause the throttling it
 * copes with: a token bucket of {@code burst} calls at once, then {@code perSecond} a second, as
 * clouds meter their APIs. One bucket per key (an account and region, a cloud's endpoint and
 * project, and the kind of call) and rates, shared by every driver of the JVM that calls with
 * both, so that many queues on one account do not throttle each other; a reload that changes a
 * queue's rates gets a bucket with the new ones. Time is the monotonic clock's.
 */
public final class Pace {
    private static final Map<String, Pace> PACES = new ConcurrentHashMap<>();

    private final double capacity;
    private final double perNano;
    private double tokens;
    private long last;

    private Pace(double burst, double perSecond) {
        this.capacity = burst;
        this.perNano = perSecond / 1e9;
        this.tokens = burst;
        this.last = System.nanoTime();
    }

    /** The bucket of {@code key} at these rates. */
    public static Pace of(String key, double burst, double perSecond) {
        return PACES.computeIfAbsent(key + "|" + burst + "/" + perSecond, k -> new Pace(burst, perSecond));
    }

    /** Waits for this call's turn. */
    public void take() throws InterruptedException {
        long wait;
        synchronized (this) {
            long now = System.nanoTime();
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            tokens -= 1;
            // A negative balance is the caller's place in line: it waits for it to refill.
            wait = tokens >= 0 ? 0 : (long) (-tokens / perNano);
        }
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /**
     * Waits for this call's turn, as a driver call that was not made.
     *
     * @throws RetryableDriverException when interrupted: the call was not made
     */
    public void takeFor(String call) throws RetryableDriverException {
        try {
            take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableDriverException("interrupted while pacing " + call, e);
        }
    }
}
