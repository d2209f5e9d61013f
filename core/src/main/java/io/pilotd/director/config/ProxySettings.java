package io.pilotd.director.config;

import java.time.Duration;

/**
 * The X.509 proxy the pilots carry: globally, and per queue over it (key by key).
 *
 * @param file        a PEM proxy file (RFC 3820 or legacy, with its VOMS attributes), renewed
 *                    by whoever owns it; read before every submission
 * @param minLifetime no submission when the proxy has less time left than this
 * @param delegate    when set, each submission carries a fresh proxy of this lifetime signed by
 *                    the file's, rather than the file's own
 * @param trustAnchors a directory of CA certificates (/etc/grid-security/certificates) at which
 *                    the proxy's chain must end; unset, the chain is checked within itself only
 */
public record ProxySettings(String file, Duration minLifetime, Duration delegate, String trustAnchors) {
    public static final Duration DEFAULT_MIN_LIFETIME = Duration.ofHours(24);

    public static ProxySettings none() {
        return new ProxySettings(null, null, null, null);
    }

    /** These settings, each one left out taken from {@code global}. */
    public ProxySettings over(ProxySettings global) {
        return new ProxySettings(file != null ? file : global.file(),
                minLifetime != null ? minLifetime : global.minLifetime(),
                delegate != null ? delegate : global.delegate(),
                trustAnchors != null ? trustAnchors : global.trustAnchors());
    }

    public Duration minLifetimeOrDefault() {
        return minLifetime != null ? minLifetime : DEFAULT_MIN_LIFETIME;
    }
}
