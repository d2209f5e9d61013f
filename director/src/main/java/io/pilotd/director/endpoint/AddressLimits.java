package io.pilotd.director.endpoint;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a client address may spend on requests that fail authentication (or are refused before
 * they authenticate): {@code perMinute} of them, refilled evenly over the minute. An address
 * that has spent them is answered 429 at once, on the connection's own thread, before any
 * database work: no key lookup, no audit row. A request that carries a credential that was
 * accepted lately is let through all the same: a flood from one address does not lock out a
 * client that shares it (behind a NAT) and has authenticated before.
 *
 * <p>An IPv6 client is counted by its /64, which one host usually has whole. Addresses are held
 * while they are refused or spending, at most {@link #ADDRESSES} of them: memory stays bounded
 * whatever the number of addresses.
 */
final class AddressLimits {
    private static final Logger log = LoggerFactory.getLogger(AddressLimits.class);
    private static final long MINUTE = Duration.ofMinutes(1).toNanos();
    static final int ADDRESSES = 100_000;
    /** How long a credential accepted once lets its requests past an address's refusal. */
    private static final Duration TRUSTED = Duration.ofMinutes(10);

    private static final class Bucket {
        private double tokens;
        private long last;
        private boolean refusing;

        Bucket(int capacity, long now) {
            this.tokens = capacity;
            this.last = now;
        }
    }

    private final int perMinute;
    private final LongSupplier nanoTime;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder().maximumSize(ADDRESSES)
            .expireAfterAccess(Duration.ofMinutes(10)).build();
    private final Cache<String, Boolean> trusted = Caffeine.newBuilder().maximumSize(ADDRESSES)
            .expireAfterWrite(TRUSTED).build();

    AddressLimits(int perMinute, LongSupplier nanoTime) {
        this.perMinute = perMinute;
        this.nanoTime = nanoTime;
    }

    /**
     * Lets a request in, or says how long its address is refused. A request that carries a
     * credential accepted lately goes in freely; any other takes one of its address's requests
     * before any work is done (given back by {@link #release} unless it fails), so that requests
     * in flight at once cannot overspend.
     *
     * @param credential the hash of the request's credential, or null
     * @return empty when it may go on; {@code reserved} tells whether it took one of its address's requests
     */
    Admission admit(String address, String credential) {
        if (credential != null && trusted.getIfPresent(credential) != null) {
            return Admission.FREE;
        }
        String key = key(address);
        Bucket bucket = buckets.get(key, k -> new Bucket(perMinute, nanoTime.getAsLong()));
        synchronized (bucket) {
            refill(bucket);
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                return Admission.RESERVED;
            }
            if (!bucket.refusing) {
                bucket.refusing = true;
                log.warn("endpoint: {} failed authentication {} times within a minute: its requests are refused (429) until it"
                        + " may again (endpoint.failedAuthPerMinute)", key, perMinute);
            }
            return new Admission(false, Duration.ofNanos((long) Math.ceil((1 - bucket.tokens) * MINUTE / perMinute)));
        }
    }

    /** A request let in (reserved) that did not fail authentication gives its address's request back. */
    void release(String address) {
        Bucket bucket = buckets.getIfPresent(key(address));
        if (bucket != null) {
            synchronized (bucket) {
                refill(bucket);
                bucket.tokens = Math.min(perMinute, bucket.tokens + 1);
            }
        }
    }

    /** A request of this credential (its hash) was accepted: it passes an address's refusal for a while. */
    void accepted(String credential) {
        trusted.put(credential, Boolean.TRUE);
    }

    /**
     * @param reserved   the request took one of its address's requests
     * @param refusedFor null when it may go on
     */
    record Admission(boolean reserved, Duration refusedFor) {
        static final Admission FREE = new Admission(false, null);
        static final Admission RESERVED = new Admission(true, null);
    }

    private void refill(Bucket bucket) {
        long now = nanoTime.getAsLong();
        bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.last) * (double) perMinute / MINUTE);
        bucket.last = now;
        if (bucket.tokens >= 1) {
            bucket.refusing = false;
        }
    }

    /** The address as counted: an IPv4 address whole, an IPv6 one by its /64. */
    static String key(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return address;
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            if (bytes.length != 16) {
                return address;
            }
            for (int i = 8; i < 16; i++) {
                bytes[i] = 0;
            }
            return Inet6Address.getByAddress(bytes).getHostAddress() + "/64";
        } catch (UnknownHostException e) {
            // a literal that is no address (a proxy's forwarded value): counted as it is written
            return address;
        }
    }
}
