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
import io.pilotd.director.testing.CapturedLog;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.FakeDriverFactory;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.proxy.TestCredentials;
import io.pilotd.proxy.TestTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A certificate renewed on disk while the endpoint serves: new connections get it, a request in
 * flight on a connection opened before completes on it; a renewal half-written (a key of another
 * certificate) changes nothing until it is whole; trust anchors updated on disk check the next
 * request's proxy. The endpoint checks its files every 100 ms here; the test waits for each
 * change to show, never for a time.
 */
class EndpointRenewalTest {
    private static final String DIRECTOR = "renewal-test";
    private static final TestCredentials CREDENTIALS = TestCredentials.create();
    private static final String PROXY = CREDENTIALS.proxy().voms(Queues.VO, "/" + Queues.VO).validFor(Duration.ofHours(12)).pem();

    @TempDir
    Path dir;

    private Database db;
    private Endpoint endpoint;
    private TestTls.Pem first;
    private TestTls.Pem renewed;
    private Path certificate;
    private Path key;
    private Path anchors;
    private SSLContext trustsBoth;
    private String apiKey;

    @BeforeEach
    void start() throws Exception {
        FakeDriverFactory.reset();
        db = TestDatabases.fresh();
        first = TestTls.write(Files.createDirectories(dir.resolve("first")));
        renewed = TestTls.write(Files.createDirectories(dir.resolve("renewed")));
        certificate = Files.copy(first.certificate(), dir.resolve("endpoint.crt"));
        key = Files.copy(first.key(), dir.resolve("endpoint.key"), StandardCopyOption.COPY_ATTRIBUTES);
        anchors = Files.createDirectories(dir.resolve("certificates"));
        // at first a CA of no proxy's: requests' proxies are refused
        Files.copy(first.ca(), anchors.resolve("other-ca.pem"));
        QueueConfig queue = Queues.queue("ep", 100, 100, 100);
        PilotdConfig config = Daemons.withEndpoint(Daemons.config(DIRECTOR, queue),
                new EndpointSettings("127.0.0.1", Daemons.freePort(), certificate.toString(), key.toString(), 16,
                        Duration.ofHours(1), anchors.toString(), 2, null, null));
        Queues.sync(db, queue);
        endpoint = Endpoint.start(config, new Endpoint.Daemon(db.jdbi(), PilotEnvironment.of(config, DIRECTOR, Clock.systemUTC()),
                DriverCatalog.load(), DIRECTOR, dir, QueueDrivers.Decorator.NONE, status -> { }), Duration.ofSeconds(30),
                Duration.ofMillis(100));
        trustsBoth = trusting(first.ca(), renewed.ca());
        apiKey = ApiKeySecret.generate();
        new EndpointKeys(db.jdbi()).add("renewal", ApiKeySecret.hash(apiKey), ApiKeySecret.prefix(apiKey), Queues.VO,
                List.of("ep"), 100_000, Instant.now().plus(Duration.ofDays(1)));
    }

    @AfterEach
    void stop() {
        endpoint.close();
        db.close();
    }

    @Test
    void aRenewedCertificateGoesToNewConnections_whileARequestInFlightCompletesOnItsOwn() throws Exception {
        X509Certificate before = leaf(first.certificate());
        X509Certificate after = leaf(renewed.certificate());
        byte[] body = ApiClient.body(PROXY, "#!/bin/sh\necho renewed\n");
        try (SSLSocket inFlight = connect(); CapturedLog log = CapturedLog.of(EndpointCredentials.class)) {
            assertThat(inFlight.getSession().getPeerCertificates()[0]).isEqualTo(before);
            // the request's head and half its body, the rest after the renewal
            String head = "POST /submitjob?queue=ep&job_name=0ff1ce0ff1ce0ff1ce0ff1ce0ff1ce00 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "x-api-key: " + apiKey + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n";
            inFlight.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            inFlight.getOutputStream().write(body, 0, body.length / 2);
            inFlight.getOutputStream().flush();

            // half a renewal: the new key beside the old certificate
            replace(renewed.key(), key);
            await(() -> log.text().contains("the certificate and key were not read again"), "the half renewal refused");
            assertThat(servedCertificate()).as("the half renewal changes nothing").isEqualTo(before);
            replace(renewed.certificate(), certificate);
            await(() -> after.equals(servedCertificate()), "new connections get the renewed certificate");

            inFlight.getOutputStream().write(body, body.length / 2, body.length - body.length / 2);
            inFlight.getOutputStream().flush();
            String answer = drain(inFlight.getInputStream());
            assertThat(answer).as("the request in flight completes on its connection").startsWith("HTTP/1.1 422")
                    .contains("trusted in " + anchors);
            assertThat(inFlight.getSession().getPeerCertificates()[0]).isEqualTo(before);
        }
    }

    @Test
    void updatedTrustAnchorsCheckTheNextRequestsProxy_andSighupReadsEverythingAgain() throws Exception {
        ApiClient client = new ApiClient(URI.create("https://127.0.0.1:" + endpoint.port()), trustsBoth);
        ApiClient.Answer refused = client.submit("ep", "0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1", apiKey, PROXY, "#!/bin/sh\n");
        assertThat(refused.status()).as(refused.text()).isEqualTo(422);

        Files.writeString(anchors.resolve("proxies-ca.pem"), CREDENTIALS.caPem());
        await(() -> client.submit("ep", "0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa2", apiKey, PROXY, "#!/bin/sh\n").status() == 201,
                "a proxy of the added CA taken");

        // SIGHUP reads the files whatever their times say
        Files.copy(renewed.certificate(), certificate, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(renewed.key(), key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        endpoint.reloadCredentials();
        assertThat(servedCertificate()).isEqualTo(leaf(renewed.certificate()));
    }

    /** Moved into place over the old file, as an ACME client renews. */
    private static void replace(Path from, Path target) throws IOException {
        Path next = Files.copy(from, target.resolveSibling(target.getFileName() + ".next"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(next, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for: " + what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private SSLSocket connect() throws IOException {
        SSLSocket socket = (SSLSocket) trustsBoth.getSocketFactory().createSocket("127.0.0.1", endpoint.port());
        socket.setSoTimeout(120_000);
        socket.startHandshake();
        return socket;
    }

    /** The certificate a new connection is served. */
    private Certificate servedCertificate() {
        try (SSLSocket socket = connect()) {
            return socket.getSession().getPeerCertificates()[0];
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate leaf(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static SSLContext trusting(Path... cas) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < cas.length; i++) {
            trust.setCertificateEntry("ca-" + i, leaf(cas[i]));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static String drain(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}
