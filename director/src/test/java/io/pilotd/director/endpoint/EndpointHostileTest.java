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
import io.pilotd.proxy.TestCredentials;
import io.pilotd.proxy.TestTls;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken clients over raw TLS sockets: bodies too large or malformed, bytes that are
 * not UTF-8 or not HTTP, headers too large, clients that stall. Each gets its answer or loses its
 * connection, and the endpoint goes on answering the others.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointHostileTest {
    private static final String DIRECTOR = "hostile-test";
    private static final Duration IDLE = Duration.ofSeconds(2);

    @TempDir
    static Path dir;

    private Database db;
    private Endpoint endpoint;
    private SSLContext tls;
    private ApiClient client;
    private String key;
    private final String proxy = TestCredentials.create().proxy().voms(Queues.VO).validFor(Duration.ofHours(12)).pem();

    @BeforeAll
    void start() {
        FakeDriverFactory.reset();
        db = TestDatabases.fresh();
        QueueConfig queue = Queues.queue("ep", 1000, 1000, 1000);
        TestTls.Pem pem = TestTls.write(dir);
        PilotdConfig config = Daemons.withEndpoint(Daemons.config(DIRECTOR, queue),
                new EndpointSettings("127.0.0.1", Daemons.freePort(), pem.certificate().toString(), pem.key().toString(), 16,
                        Duration.ofHours(1), null, 2, null, null));
        Queues.sync(db, queue);
        endpoint = Endpoint.start(config, new Endpoint.Daemon(db.jdbi(), PilotEnvironment.of(config, DIRECTOR, Clock.systemUTC()),
                DriverCatalog.load(), DIRECTOR, dir, QueueDrivers.Decorator.NONE, status -> { }), IDLE);
        tls = TestTls.clientContext(pem.ca());
        client = new ApiClient(URI.create("https://127.0.0.1:" + endpoint.port()), tls);
        key = ApiKeySecret.generate();
        new EndpointKeys(db.jdbi()).add("hostile", ApiKeySecret.hash(key), ApiKeySecret.prefix(key), Queues.VO, List.of("ep"),
                100_000, Instant.now().plus(Duration.ofDays(1)));
    }

    @AfterAll
    void stop() {
        endpoint.close();
        db.close();
    }

    @Test
    void bodiesTooLargeAreRefusedWith413_whetherTheirLengthIsSaidOrNot() throws IOException {
        assertThat(raw(post("big-1", "Content-Length: 1073741824\r\n", new byte[0])))
                .startsWith("HTTP/1.1 413").contains("endpoint.maxBodyKiB");

        ByteArrayOutputStream chunked = new ByteArrayOutputStream();
        for (int i = 0; i < 16; i++) {
            chunked.write("1000\r\n".getBytes(StandardCharsets.US_ASCII));
            chunked.write(new byte[0x1000]);
            chunked.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        chunked.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(raw(post("big-2", "Transfer-Encoding: chunked\r\n", chunked.toByteArray())))
                .startsWith("HTTP/1.1 413").contains("endpoint.maxBodyKiB");
        assertAnswersOthers();
    }

    @Test
    void malformedBodiesAndQueriesAre400s() throws IOException {
        byte[][] bodies = {
            {(byte) 0xFF, (byte) 0xFE, 0x00, 0x7B},
            "{\"proxyFileEncoded\": \"\u00e9\"".getBytes(StandardCharsets.ISO_8859_1),
            "{\"proxyFileEncoded\": [1, 2], \"wrapperFileEncoded\": {}}".getBytes(StandardCharsets.US_ASCII),
            "{\"proxyFileEncoded\": \"eA==\", \"wrapperFileEncoded\": \"eA==\", \"x\": ".getBytes(StandardCharsets.US_ASCII),
            "null".getBytes(StandardCharsets.US_ASCII),
        };
        for (byte[] body : bodies) {
            String answer = raw(post("bad", "Content-Length: " + body.length + "\r\n", body));
            assertThat(answer).startsWith("HTTP/1.1 400").contains("\"status\":400");
        }
        String query = raw(("POST /submitjob?queue=%C3%28&job_name=%FF HTTP/1.1\r\nHost: x\r\nx-api-key: " + key
                + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
        assertThat(query).startsWith("HTTP/1.1 400");
        assertAnswersOthers();
    }

    @Test
    void headersTooLargeAndBytesThatAreNotHttpAreRefusedAsJson() throws IOException {
        String huge = "X-Padding: " + "a".repeat(64 * 1024) + "\r\n";
        assertThat(raw(("GET /openapi.yaml HTTP/1.1\r\nHost: x\r\n" + huge + "\r\n").getBytes(StandardCharsets.US_ASCII)))
                .startsWith("HTTP/1.1 431").contains("\"status\":431");
        assertThat(raw("\u0000\u0001 garbage \r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))).startsWith("HTTP/1.1 400");
        try (Socket plain = new Socket("127.0.0.1", endpoint.port())) {
            plain.setSoTimeout(60_000);
            plain.getOutputStream().write("GET /openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(drain(plain.getInputStream())).as("plain HTTP on the TLS port gets no HTTP answer")
                    .doesNotContain("openapi");
        }
        assertAnswersOthers();
    }

    @Test
    void clientsThatStallHoldAConnectionEach_notAWorker_andAreClosedWhenIdle() throws Exception {
        List<SSLSocket> stalled = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            SSLSocket socket = connect();
            OutputStream out = socket.getOutputStream();
            if (i % 2 == 0) {
                out.write("POST /submitjob?queue=ep&job_name=slow HTTP/1.1\r\nHost: x\r\nx-api-".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(("POST /submitjob?queue=ep&job_name=slow-" + i + " HTTP/1.1\r\nHost: x\r\nx-api-key: " + key
                        + "\r\nContent-Length: 3000\r\n\r\n{\"proxyFileEncoded\": \"").getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
            stalled.add(socket);
        }

        // Twelve stalled clients, two workers: the others are answered all the same.
        ApiClient.Answer submitted = client.submit("ep", "while-stalled", key, proxy, "#!/bin/sh\n");
        assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
        assertAnswersOthers();

        for (SSLSocket socket : stalled) {
            String answer = drain(socket.getInputStream());
            assertThat(answer).as("a stalled client gets no pilot").doesNotContain("\"jobRef\"");
            socket.close();
        }
        assertThat(client.get("/jobs/slow-1", key).status()).isEqualTo(404);
        assertAnswersOthers();
    }

    private void assertAnswersOthers() {
        ApiClient.Answer answer = client.get(EndpointApi.OPENAPI, null);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(client.get("/jobs/none", key).status()).isEqualTo(404);
    }

    private byte[] post(String jobName, String headers, byte[] body) {
        byte[] head = ("POST /submitjob?queue=ep&job_name=" + jobName + " HTTP/1.1\r\nHost: x\r\nx-api-key: " + key
                + "\r\nContent-Type: application/json\r\nConnection: close\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + body.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    /** Sends the bytes on a TLS connection of its own and reads what comes back until the server closes it. */
    private String raw(byte[] request) throws IOException {
        try (SSLSocket socket = connect()) {
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (SocketException e) {
                // The server answered and closed before it took everything: its answer is read below.
            }
            return drain(socket.getInputStream());
        }
    }

    private SSLSocket connect() throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", endpoint.port());
        // Only a guard against a hang: the server closes idle connections after IDLE.
        socket.setSoTimeout(120_000);
        socket.startHandshake();
        return socket;
    }

    private static String drain(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                all.write(buffer, 0, n);
            }
        } catch (SocketException e) {
            // closed by the server: what came before is the answer
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }
}
