package io.pilotd.director.endpoint;

import io.pilotd.director.config.EndpointSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.cycle.QueueDrivers;
import io.pilotd.director.cycle.Submitter;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.DriverSetups;
import io.pilotd.director.store.EndpointAudit;
import io.pilotd.director.store.EndpointJobs;
import io.pilotd.director.store.EndpointKeys;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueStore;
import io.pilotd.proxy.ProxyException;
import io.pilotd.proxy.TrustAnchors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * pilotd's serverless computing endpoint (config {@code endpoint}): the REST API that turns pilot
 * requests into pilots of the configured queues, started by their drivers and followed by the
 * director like any pilot.
 */
public final class Endpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Endpoint.class);
    /** Requests that wait for a worker; beyond, a request is answered 503 at once. */
    private static final int WAITING = 64;

    /** How often the TLS files and trust anchors are checked for changes. */
    static final Duration CREDENTIALS_CHECK = Duration.ofSeconds(10);

    private final EndpointServer server;
    private final ThreadPoolExecutor workers;
    private final EndpointDrivers drivers;
    private final EndpointCredentials credentials;

    private Endpoint(EndpointServer server, ThreadPoolExecutor workers, EndpointDrivers drivers, EndpointCredentials credentials) {
        this.server = server;
        this.workers = workers;
        this.drivers = drivers;
        this.credentials = credentials;
    }

    /**
     * What the endpoint needs of the daemon.
     *
     * @param decorator what wraps its drivers (the daemon's metrics)
     * @param answered  told the status of every answer (the daemon's metrics)
     */
    public record Daemon(Jdbi jdbi, PilotEnvironment environment, DriverCatalog catalog, String directorId, Path dataDir,
                         QueueDrivers.Decorator decorator, IntConsumer answered) {
    }

    /** @throws IllegalStateException when it cannot listen, or its TLS files or trust anchors cannot be read */
    public static Endpoint start(PilotdConfig config, Daemon daemon) {
        return start(config, daemon, EndpointServer.IDLE);
    }

    /** @param idle how long a silent connection is kept */
    public static Endpoint start(PilotdConfig config, Daemon daemon, Duration idle) {
        return start(config, daemon, idle, CREDENTIALS_CHECK);
    }

    /** @param credentialsCheck how often its TLS files and trust anchors are checked for changes */
    public static Endpoint start(PilotdConfig config, Daemon daemon, Duration idle, Duration credentialsCheck) {
        return start(config, daemon, idle, credentialsCheck, System::nanoTime);
    }

    /** @param nanoTime the clock its rate and address limits refill by */
    static Endpoint start(PilotdConfig config, Daemon daemon, Duration idle, Duration credentialsCheck, LongSupplier nanoTime) {
        EndpointSettings settings = config.endpoint();
        TrustAnchors anchors = null;
        if (settings.trustAnchors() != null) {
            try {
                anchors = TrustAnchors.read(Path.of(settings.trustAnchors()));
            } catch (ProxyException e) {
                throw new IllegalStateException("endpoint.trustAnchors: " + e.getMessage(), e);
            }
        }
        Jdbi jdbi = daemon.jdbi();
        EndpointDrivers drivers = new EndpointDrivers(new DriverSetups(jdbi), daemon.catalog(), daemon.directorId(),
                daemon.dataDir(), daemon.decorator());
        ThreadPoolExecutor workers = workers(settings.threads());
        ProxyCheck proxies = new ProxyCheck(settings.minProxyLifetime(), anchors);
        EndpointApi.Parts parts = new EndpointApi.Parts(new EndpointKeys(jdbi), new EndpointJobs(jdbi),
                new EndpointAudit(jdbi), new QueueStore(jdbi), new PilotStore(jdbi),
                new Submitter(jdbi, daemon.environment(), daemon.directorId(), Clock.systemUTC()), drivers,
                proxies, new RateLimits(nanoTime), new AddressLimits(settings.failedAuthPerMinute(), nanoTime),
                new BearerTokens(settings.tokens()));
        EndpointApi api = new EndpointApi(parts, config.queues().stream().map(QueueConfig::name).collect(Collectors.toSet()),
                settings.maxBodyKiB() * 1024, workers, Clock.systemUTC(), openApi(), daemon.answered());
        EndpointServer server;
        try {
            server = EndpointServer.start(settings, api, idle);
        } catch (RuntimeException e) {
            workers.shutdownNow();
            drivers.close();
            throw e;
        }
        log.info("endpoint listening on {}://{}:{}{}", settings.tls() ? "https" : "http", settings.address(), server.port(),
                anchors == null ? "" : ", proxies checked against the " + anchors.size() + " CAs of " + settings.trustAnchors());
        return new Endpoint(server, workers, drivers, EndpointCredentials.watch(settings, server, proxies, credentialsCheck));
    }

    /** SIGHUP: the TLS certificate and key, and the trust anchors, read again; connections open keep theirs. */
    public void reloadCredentials() {
        credentials.reload();
    }

    private static ThreadPoolExecutor workers(int threads) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES, new ArrayBlockingQueue<>(WAITING), r -> {
            Thread thread = new Thread(r, "endpoint-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The OpenAPI document of the API, as the repository has it and the endpoint serves it. */
    public static String openApi() {
        try (InputStream in = Endpoint.class.getResourceAsStream("openapi.yaml")) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document is missing from pilotd's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.port();
    }

    /** Lets the requests in hand finish (a new one is answered 503), then stops listening and releases the drivers. */
    @Override
    public void close() {
        credentials.close();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("endpoint: requests still in hand after 30s are left to end with the process");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        drivers.close();
    }
}
