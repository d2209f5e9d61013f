package io.pilotd.director.endpoint;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Each key's request rate: a token bucket of {@code ratePerMinute} tokens, refilled evenly over
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

    private final Map<Long, Bucket> buckets = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    RateLimits(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /** Takes a token of the key's bucket; when it has none, says how long until it has one. */
    Optional<Duration> take(long keyId, int ratePerMinute) {
        long now = nanoTime.getAsLong();
        Bucket bucket = buckets.computeIfAbsent(keyId, id -> new Bucket(ratePerMinute, now));
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
