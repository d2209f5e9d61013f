package io.pilotd.director.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pilotd.director.config.EndpointSettings;
import io.pilotd.proxy.ProxyException;
import io.pilotd.proxy.ServerCredentials;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The endpoint's HTTPS server: Jetty, whose connections are read without a thread each, so a
 * slow client costs a connection, not a worker; with bounds on headers, connections and idleness.
 * Jetty's own refusals (a header too large, a request that is not HTTP) are JSON like the API's.
 */
final class EndpointServer implements AutoCloseable {
    /** The largest request line and headers taken; more is refused with 431. */
    static final int MAX_HEADERS = 16 * 1024;
    /** Connections open at once; more wait in the kernel's backlog. */
    static final int MAX_CONNECTIONS = 512;
    /** A connection that sends or reads nothing for this long is closed. */
    static final Duration IDLE = Duration.ofSeconds(30);

    private final Server server;
    private final ServerConnector connector;
    /** Null for plain HTTP. */
    private final SslContextFactory.Server tls;

    private EndpointServer(Server server, ServerConnector connector, SslContextFactory.Server tls) {
        this.server = server;
        this.connector = connector;
        this.tls = tls;
    }

    /**
     * @param idle how long a silent connection is kept ({@link #IDLE} but in tests)
     * @throws IllegalStateException when the port cannot be bound or the TLS files cannot be read
     */
    static EndpointServer start(EndpointSettings settings, Handler api, Duration idle) {
        QueuedThreadPool threads = new QueuedThreadPool(32, 4);
        threads.setName("endpoint-io");
        threads.setDaemon(true);
        Server server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setRequestHeaderSize(MAX_HEADERS);
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        http.setIdleTimeout(idle.toMillis());
        ServerConnector connector;
        SslContextFactory.Server tls = null;
        if (settings.tls()) {
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            // Clients check the certificate's names; the Host header need not repeat the TLS name.
            secure.setSniHostCheck(false);
            http.addCustomizer(secure);
            tls = tls(settings);
            connector = new ServerConnector(server, new SslConnectionFactory(tls, "http/1.1"), new HttpConnectionFactory(http));
        } else {
            // Plain HTTP is served on loopback only, behind a proxy that ends TLS: the client is the
            // one the proxy names (Forwarded, X-Forwarded-For), which per-address limits count.
            http.addCustomizer(new ForwardedRequestCustomizer());
            connector = new ServerConnector(server, new HttpConnectionFactory(http));
        }
        connector.setHost(settings.address());
        connector.setPort(settings.port());
        connector.setIdleTimeout(idle.toMillis());
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        server.setErrorHandler(new JsonErrors());
        server.setHandler(api);
        server.setStopTimeout(5_000);
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // it did not start: nothing to stop
            }
            throw new IllegalStateException("the endpoint cannot listen on " + settings.address() + ":" + settings.port()
                    + ": " + e.getMessage(), e);
        }
        return new EndpointServer(server, connector, tls);
    }

    private static SslContextFactory.Server tls(EndpointSettings settings) {
        SslContextFactory.Server tls = new SslContextFactory.Server();
        try {
            keys(settings).accept(tls);
        } catch (ProxyException e) {
            throw new IllegalStateException("endpoint: " + e.getMessage(), e);
        }
        tls.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        return tls;
    }

    /** The certificate and key of the files, read now, as what sets them on a TLS context. */
    private static Consumer<SslContextFactory> keys(EndpointSettings settings) throws ProxyException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        // The key store lives in memory only: its password guards nothing outside this process.
        String password = Base64.getEncoder().encodeToString(random);
        KeyStore keys = ServerCredentials.keyStore(Path.of(settings.certificate()), Path.of(settings.key()), password.toCharArray());
        return tls -> {
            tls.setKeyStore(keys);
            tls.setKeyStorePassword(password);
        };
    }

    /**
     * Reads the certificate and key again: new connections get them, connections open keep
     * theirs (Jetty swaps the TLS context, not the connections').
     *
     * @throws ProxyException when the files cannot be read or do not match: the ones in use stay
     */
    void reloadKeys(EndpointSettings settings) throws ProxyException {
        if (tls == null) {
            return;
        }
        Consumer<SslContextFactory> keys = keys(settings);
        try {
            tls.reload(keys);
        } catch (Exception e) {
            throw new ProxyException("the TLS context could not take the new certificate: " + e.getMessage(), e);
        }
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("the endpoint did not stop: " + e.getMessage(), e);
        }
    }

    /** Jetty's refusals, as the API's: {"status", "error", "message"}. */
    private static final class JsonErrors extends ErrorHandler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int status = response.getStatus();
            Object message = request.getAttribute(ERROR_MESSAGE);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(true, body(status, message == null ? HttpStatus.getMessage(status) : message.toString()), callback);
            return true;
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, "application/json");
            return body(status, reason == null ? HttpStatus.getMessage(status) : reason);
        }

        private static ByteBuffer body(int status, String message) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", status);
            body.put("error", HttpStatus.getMessage(status));
            body.put("message", message);
            try {
                return ByteBuffer.wrap(Exchange.JSON.writeValueAsBytes(body));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
