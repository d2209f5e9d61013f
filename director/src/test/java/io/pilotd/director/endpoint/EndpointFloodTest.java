package io.pilotd.director.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.EndpointSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.cycle.QueueDrivers;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.EndpointKeys;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.FakeDriverFactory;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.proxy.TestTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of requests that fail authentication, from one address: past
 * {@code endpoint.failedAuthPerMinute} they are answered 429 before any database work (no key
 * lookup, no audit row), while a client of another address, and one of the flooding address
 * whose key was accepted before, are served. The limits' clock stands still here: the address's
 * bucket never refills, so its share is exactly its size however long the flood takes.
 */
class EndpointFloodTest {
    private static final String DIRECTOR = "flood-test";
    private static final int PER_MINUTE = 20;
    private static final int FLOOD = 10_000;

    @TempDir
    Path dir;

    private Database db;
    private Endpoint endpoint;
    private SSLContext tls;
    private String key;

    @BeforeEach
    void start() {
        FakeDriverFactory.reset();
        db = TestDatabases.fresh();
        QueueConfig queue = Queues.queue("ep", 1000, 1000, 1000);
        TestTls.Pem pem = TestTls.write(dir);
        PilotdConfig config = Daemons.withEndpoint(Daemons.config(DIRECTOR, queue),
                new EndpointSettings("127.0.0.1", Daemons.freePort(), pem.certificate().toString(), pem.key().toString(), 16,
                        Duration.ofHours(1), null, 2, PER_MINUTE, null));
        Queues.sync(db, queue);
        endpoint = Endpoint.start(config, new Endpoint.Daemon(db.jdbi(), PilotEnvironment.of(config, DIRECTOR, Clock.systemUTC()),
                DriverCatalog.load(), DIRECTOR, dir, QueueDrivers.Decorator.NONE, status -> { }), Duration.ofSeconds(30),
                Duration.ofMinutes(1), () -> 0L);
        tls = TestTls.clientContext(pem.ca());
        key = ApiKeySecret.generate();
        new EndpointKeys(db.jdbi()).add("served", ApiKeySecret.hash(key), ApiKeySecret.prefix(key), Queues.VO, List.of("ep"),
                1_000_000, Instant.now().plus(Duration.ofDays(1)));
    }

    @AfterEach
    void stop() {
        endpoint.close();
        db.close();
    }

    @Test
    void aFloodOfBadKeysFromOneAddressCostsTheDatabaseItsShareOnly_whileOtherClientsAreServed() throws Exception {
        assertThat(get("127.0.0.1", key)).as("a key of the flooding address, accepted before the flood").startsWith("HTTP/1.1 200");
        AtomicBoolean flooding = new AtomicBoolean(true);
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        List<String> otherAnswers = Collections.synchronizedList(new ArrayList<>());
        Thread other = new Thread(() -> {
            while (flooding.get()) {
                long start = System.nanoTime();
                try {
                    otherAnswers.add(get("127.0.0.2", key).lines().findFirst().orElse(""));
                } catch (IOException e) {
                    otherAnswers.add(e.toString());
                }
                latencies.add(System.nanoTime() - start);
            }
        }, "served-client");

        long started = System.nanoTime();
        other.start();
        Map<Integer, AtomicInteger> statuses = flood();
        long elapsed = System.nanoTime() - started;
        // every answer's audit row is written before the answer: all of the flood's are there
        long audited401 = db.jdbi().withHandle(h -> h.createQuery(
                "select count(*) from endpoint_audit where remote = '127.0.0.1' and status = 401").mapTo(Long.class).one());
        long audited429 = db.jdbi().withHandle(h -> h.createQuery(
                "select count(*) from endpoint_audit where status = 429").mapTo(Long.class).one());
        String sameAddressKnownKey = get("127.0.0.1", key);
        String sameAddressNoKey = get("127.0.0.1", null);
        flooding.set(false);
        other.join();

        assertThat(statuses.get(401).get() + statuses.get(429).get()).isEqualTo(FLOOD);
        assertThat(audited401).as("bad keys looked up and audited: the bucket's size, never refilled")
                .isEqualTo(statuses.get(401).get()).isEqualTo(PER_MINUTE);
        assertThat(audited429).as("refusals cost no audit row").isZero();
        assertThat(statuses.get(-1)).as("429s without Retry-After").hasValue(0);
        assertThat(otherAnswers).as("the client of another address").isNotEmpty()
                .allSatisfy(line -> assertThat(line).startsWith("HTTP/1.1 200"));
        assertThat(sameAddressKnownKey).startsWith("HTTP/1.1 200");
        assertThat(sameAddressNoKey).startsWith("HTTP/1.1 429").contains("Retry-After: ").contains("endpoint.failedAuthPerMinute");

        List<Long> sorted = latencies.stream().sorted().toList();
        System.out.printf("EndpointFloodTest: %d bad-key requests from one address in %d ms: %d answered 401 (audited: %d),"
                        + " %d answered 429; the other client's %d requests: median %.1f ms, max %.1f ms%n",
                FLOOD, elapsed / 1_000_000, statuses.get(401).get(), audited401, statuses.get(429).get(), sorted.size(),
                sorted.get(sorted.size() / 2) / 1e6, sorted.get(sorted.size() - 1) / 1e6);
    }

    /** The flood: each request with a key of its own that the endpoint never gave, 16 at once. */
    private Map<Integer, AtomicInteger> flood() throws Exception {
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>(Map.of(401, new AtomicInteger(), 429, new AtomicInteger(),
                -1, new AtomicInteger()));
        HttpClient http = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1).build();
        Semaphore inFlight = new Semaphore(16);
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            inFlight.acquire();
            HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + endpoint.port() + "/jobs"))
                    .header("x-api-key", "pilotd_guess-" + i).timeout(Duration.ofMinutes(2)).GET().build();
            answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenAccept(response -> {
                statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                if (response.statusCode() == 429 && response.headers().firstValue("Retry-After").isEmpty()) {
                    statuses.get(-1).incrementAndGet();
                }
            }).whenComplete((ok, failure) -> inFlight.release()));
        }
        CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).join();
        return statuses;
    }

    /** GET /jobs from this loopback address, over a connection of its own. */
    private String get(String from, String apiKey) throws IOException {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(InetAddress.getByName("127.0.0.1"), endpoint.port(),
                InetAddress.getByName(from), 0)) {
            socket.setSoTimeout(120_000);
            String request = "GET /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (apiKey == null ? "" : "x-api-key: " + apiKey + "\r\n")
                    + "Connection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
