package io.pilotd.director.endpoint;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Each caller's request rate (an API key's, a token subject's): a token bucket of {@code ratePerMinute} tokens, refilled evenly over
 * the minute, so that a key may burst its minute's worth and then goes at its rate.
 */
final class RateLimits {
    private static final long MINUTE = Duration.ofMinutes(1).toNanos();

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(int capacity, long now) {
            this.tokens = capacity;
            this.last = now;
        }
    }

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    RateLimits(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Takes a token of the caller's bucket ({@link Caller#rateKey()}); when it has none, says how long until it has one. */
    Optional<Duration> take(String caller, int ratePerMinute) {
        long now = nanoTime.getAsLong();
        Bucket bucket = buckets.computeIfAbsent(caller, id -> new Bucket(ratePerMinute, now));
        synchronized (bucket) {
            double perNano = ratePerMinute / (double) MINUTE;
            bucket.tokens = Math.min(ratePerMinute, bucket.tokens + (now - bucket.last) * perNano);
            bucket.last = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return Optional.empty();
            }
            return Optional.of(Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) / perNano)));
        }
    }
}
