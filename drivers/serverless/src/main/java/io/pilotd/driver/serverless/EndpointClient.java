package io.pilotd.driver.serverless;

import io.pilotd.driver.api.Pace;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;

/** The endpoint's HTTPS: the JDK's client, the key in its header, the CA bundle as its only trust where one is given. */
final class EndpointClient {
    /** What the endpoint answered. */
    record Reply(int status, String body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** The request never reached the endpoint: nothing was done there. */
    static final class NotSent extends IOException {
        NotSent(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final HttpClient http;
    private final URI base;
    private final String apiKey;
    private final Duration timeout;
    private final Pace pace;

    private EndpointClient(HttpClient http, URI base, String apiKey, Duration timeout, Pace pace) {
        this.http = http;
        this.base = base;
        this.apiKey = apiKey;
        this.timeout = timeout;
        this.pace = pace;
    }

    static EndpointClient create(ServerlessConfig config) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER);
        config.caBundle().ifPresent(bundle -> builder.sslContext(trusting(bundle)));
        // one bucket per endpoint and key, as the endpoint meters them (the key itself never in the name)
        Pace pace = Pace.of("serverless|" + config.endpoint() + "|" + Integer.toHexString(config.apiKey().hashCode()),
                config.callsPerMinute(),
                config.callsPerMinute() / 60.0);
        return new EndpointClient(builder.build(), config.endpoint(), config.apiKey(), config.timeout(), pace);
    }

    /**
     * A TLS context trusting the certificates of a PEM bundle only.
     *
     * @throws IllegalArgumentException naming the file, when it holds no certificate
     */
    static SSLContext trusting(Path bundle) {
        try (InputStream in = Files.newInputStream(bundle)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(bundle + " holds no PEM certificate");
            }
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            int n = 0;
            for (Certificate certificate : certificates) {
                trust.setCertificateEntry("ca-" + n++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read " + bundle + " as PEM CA certificates: " + e.getMessage(), e);
        }
    }

    /**
     * @param pathAndQuery below the endpoint's base URL, already encoded
     * @throws NotSent     when the connection was never made
     * @throws IOException when the answer was lost, the request perhaps done
     */
    Reply send(String method, String pathAndQuery, byte[] body) throws IOException, InterruptedException {
        pace.take();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout)
                .header("x-api-key", apiKey)
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(response.statusCode(), response.body());
        } catch (HttpConnectTimeoutException | ConnectException | SSLHandshakeException e) {
            // No connection, or no TLS session: the request itself was never sent.
            throw new NotSent("cannot connect to " + base.getHost() + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
    }

    String where() {
        return base.toString();
    }
}
