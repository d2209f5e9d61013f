package io.pilotd.proxy;

import io.pilotd.driver.api.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What a proxy must be before a pilot carries it, one rule for the daemon's own proxies and the
 * endpoint's requests alike: usable (its chain holds, its key is its certificate's, it is within
 * its validity), ending at a CA of the trust anchors where they are given, and with at least the
 * minimum lifetime left. Which VO it must be of is the caller's to say: a queue's, an API key's.
 */
public final class ProxyPolicy {
    private final Duration minLifetime;
    private final String needs;
    private final TrustAnchors anchors;

    /**
     * @param needs   who needs the minimum lifetime, and the config key that sets it, for the
     *                message: "its pilots need (minLifetime)"
     * @param anchors null when a chain is checked within itself only
     */
    public ProxyPolicy(Duration minLifetime, String needs, TrustAnchors anchors) {
        this.minLifetime = minLifetime;
        this.needs = needs;
        this.anchors = anchors;
    }

    /**
     * Why {@code proxy} may not go with a pilot now, or empty.
     *
     * @param what how the message names the proxy ("the proxy /etc/pilotd/proxy.pem")
     */
    public Optional<String> problem(Proxy proxy, String what, Instant now) {
        ProxyInfo info = proxy.inspect(now);
        if (!info.valid()) {
            return Optional.of(what + " cannot be used: " + String.join("; ", info.problems()));
        }
        if (anchors != null) {
            Optional<String> untrusted = anchors.problem(proxy, now);
            if (untrusted.isPresent()) {
                return Optional.of(what + " cannot be used: " + untrusted.get());
            }
        }
        Duration left = info.timeLeft(now);
        if (left.compareTo(minLifetime) < 0) {
            return Optional.of(what + " has " + Durations.format(left.withNanos(0)) + " left, less than the "
                    + Durations.format(minLifetime) + " " + needs);
        }
        return Optional.empty();
    }
}
