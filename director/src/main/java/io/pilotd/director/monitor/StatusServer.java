package io.pilotd.director.monitor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.StatusStore;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The director's port (director.metricsPort): {@code /metrics} in the Prometheus text format,
 * {@code /healthz} (200 when well, 503 when not, with the reasons as JSON) and the status page
 * at {@code /}. Read-only: nothing here changes the director.
 */
public final class StatusServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StatusServer.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final HttpServer server;
    private final ExecutorService executor;

    private StatusServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts serving on {@code address:port} (port 0: any free one, for tests).
     *
     * @param queues the configured queues, whose proxies the metrics read
     */
    public static StatusServer start(String address, int port, String directorId, Database database,
                                     DirectorMetrics metrics, PilotEnvironment environment, List<String> queues) {
        metrics.registry().register(new StateCollector(database, environment, queues));
        Health health = new Health(new StatusStore(database.jdbi()), Clock.systemUTC());
        StatusPage page = new StatusPage(directorId, database.jdbi(), health, Clock.systemUTC());
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + address + ":" + port + " (director.metricsPort): "
                    + e.getMessage(), e);
        }
        server.createContext("/metrics", new MetricsHandler(metrics.registry()));
        server.createContext("/healthz", exchange -> {
            Health.Verdict verdict = health.check();
            send(exchange, verdict.healthy() ? 200 : 503, "application/json", JSON.writeValueAsString(verdict));
        });
        server.createContext("/", page(page));
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "pilotd-status");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        log.info("metrics, health and status page on http://{}:{}/", address, server.getAddress().getPort());
        return new StatusServer(server, executor);
    }

    private static HttpHandler page(StatusPage page) {
        return exchange -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                send(exchange, 404, "text/plain", "not found: see /, /metrics and /healthz\n");
                return;
            }
            try {
                send(exchange, 200, "text/html; charset=utf-8", page.render());
            } catch (RuntimeException e) {
                log.debug("the status page failed", e);
                send(exchange, 503, "text/plain", "the status page cannot be made now: " + e.getMessage() + "\n");
            }
        };
    }

    private static void send(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
