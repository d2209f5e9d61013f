package io.pilotd.director.config;

import java.time.Duration;

/**
 * The X.509 proxy the pilots carry.
 *
 * @param file        a PEM proxy file (RFC 3820 or legacy, with its VOMS attribute)
 * @param minLifetime no submission when the proxy has less time left than this
 */
public record ProxySettings(String file, Duration minLifetime) {
    public static ProxySettings none() {
        return new ProxySettings(null, null);
    }

    public ProxySettings {
        minLifetime = minLifetime == null ? Duration.ofHours(24) : minLifetime;
    }
}
