package io.pilotd.director.config;

import java.time.Duration;
import java.util.List;

/**
 * pilotd's serverless computing endpoint: a REST API that turns pilot requests into pilots of
 * the configured queues (README, "The serverless endpoint"). Off unless {@code port} is set.
 *
 * @param address          the address it listens on (default 0.0.0.0 with a certificate; without
 *                         one, where it speaks plain HTTP, 127.0.0.1: behind a proxy that ends TLS)
 * @param port             its port; 0 (the default) turns it off
 * @param certificate      PEM: the server's certificate, then its chain; with {@code key}, HTTPS
 * @param key              PEM: the certificate's private key (a secret file, mode 0600)
 * @param maxBodyKiB       a larger request body is refused with 413 (default 256)
 * @param minProxyLifetime how long a request's proxy must still be valid (default 1h)
 * @param trustAnchors     a directory of CA certificates (/etc/grid-security/certificates) at which
 *                         a request's proxy chain must end; without it, the chain is checked within itself
 * @param threads          requests worked on at once (default 4), each holding a database connection; more wait, up to a bound, then get 503
 * @param failedAuthPerMinute requests that fail authentication a client address may make a minute
 *                         (default 30); beyond, its requests get 429 before any database work
 * @param tokens           the issuers whose bearer tokens it takes beside API keys (default none)
 */
public record EndpointSettings(String address, Integer port, String certificate, String key, Integer maxBodyKiB,
                               Duration minProxyLifetime, String trustAnchors, Integer threads, Integer failedAuthPerMinute,
                               List<TokenIssuer> tokens) {
    public static EndpointSettings off() {
        return new EndpointSettings(null, null, null, null, null, null, null, null, null, null);
    }

    public EndpointSettings {
        address = address == null ? (certificate == null && key == null ? "127.0.0.1" : "0.0.0.0") : address;
        port = port == null ? 0 : port;
        maxBodyKiB = maxBodyKiB == null ? 256 : maxBodyKiB;
        minProxyLifetime = minProxyLifetime == null ? Duration.ofHours(1) : minProxyLifetime;
        threads = threads == null ? 4 : threads;
        failedAuthPerMinute = failedAuthPerMinute == null ? 30 : failedAuthPerMinute;
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
    }

    public boolean on() {
        return port > 0;
    }

    /** Without a certificate the endpoint speaks plain HTTP, which the validator allows on loopback only. */
    public boolean tls() {
        return certificate != null || key != null;
    }
}
