package io.pilotd.director.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pilotd.director.config.EndpointSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.cycle.QueueCycle;
import io.pilotd.director.cycle.QueueDrivers;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.EndpointAudit;
import io.pilotd.director.store.EndpointKeys;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.FakeDriverFactory;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.driver.api.RetryableDriverException;
import io.pilotd.fakes.FakeCloud;
import io.pilotd.proxy.TestCredentials;
import io.pilotd.proxy.TestTls;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serverless endpoint over real HTTPS on 127.0.0.1 (a CA and server certificate made here),
 * with the fake driver behind its queues: each answer of the API, a retry that starts nothing,
 * the rate of a key, and the audit rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointTest {
    private static final String DIRECTOR = "endpoint-test";
    private static final TestCredentials CREDENTIALS = TestCredentials.create();
    private static final String PROXY = CREDENTIALS.proxy().voms(Queues.VO, "/" + Queues.VO).validFor(Duration.ofHours(12)).pem();
    private static final String WRAPPER = "#!/bin/sh\necho 'wrapper-7f3a: héllo'\n";

    @TempDir
    static Path dir;

    private Database db;
    private Endpoint endpoint;
    private ApiClient client;
    private EndpointKeys keys;
    private String key;

    @BeforeAll
    void start() throws Exception {
        FakeDriverFactory.reset();
        db = TestDatabases.fresh();
        List<QueueConfig> queues = List.of(Queues.queue("ep", 100, 100, 100), Queues.queue("tight", 100, 1, 100),
                Queues.queue("down", 100, 100, 100), Queues.queue("refusing", 100, 100, 100),
                Queues.queue("lost", 100, 100, 100), Queues.queue("elsewhere", 100, 100, 100), Queues.queue("own", 100, 100, 100));
        TestTls.Pem tls = TestTls.write(dir);
        // The proxies' CA is the one trust anchor (TrustAnchorsTest refuses those of another).
        Path anchors = Files.createDirectories(dir.resolve("certificates"));
        Files.writeString(anchors.resolve("ca.pem"), CREDENTIALS.caPem());
        PilotdConfig config = Daemons.withEndpoint(Daemons.config(DIRECTOR, false, 2, queues),
                new EndpointSettings("127.0.0.1", Daemons.freePort(), tls.certificate().toString(), tls.key().toString(), 8,
                        Duration.ofHours(1), anchors.toString(), 2, null, null));
        Queues.sync(db, queues.toArray(QueueConfig[]::new));
        endpoint = Endpoint.start(config, new Endpoint.Daemon(db.jdbi(), PilotEnvironment.of(config, DIRECTOR, Clock.systemUTC()),
                DriverCatalog.load(), DIRECTOR, dir, QueueDrivers.Decorator.NONE, status -> { }));
        client = new ApiClient(URI.create("https://127.0.0.1:" + endpoint.port()), TestTls.clientContext(tls.ca()));
        keys = new EndpointKeys(db.jdbi());
        key = addKey("site-director", Queues.VO, List.of("ep", "tight", "down", "refusing", "lost", "own"), 1000, Duration.ofDays(1));
    }

    @AfterAll
    void stop() {
        endpoint.close();
        db.close();
    }

    private String addKey(String name, String vo, List<String> queues, int rate, Duration validFor) {
        String secret = ApiKeySecret.generate();
        keys.add(name, ApiKeySecret.hash(secret), ApiKeySecret.prefix(secret), vo, queues, rate, Instant.now().plus(validFor));
        return secret;
    }

    private int pilots(String queue) {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from pilot where queue = :q").bind("q", queue)
                .mapTo(Integer.class).one());
    }

    @Test
    void aStampForNameStartsOnePilotThatCarriesTheRequestsProxyAndWrapper_andARetryStartsNothing() {
        String stamp = "0123456789abcdef0123456789abcdef";
        ApiClient.Answer first = client.submit("ep", stamp, key, PROXY, WRAPPER);

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(first.field("stamp")).isEqualTo(stamp);
        assertThat(first.field("jobRef")).startsWith("fake://cloud/");
        assertThat(first.field("jobId")).as("the cloud's own id, beside the jobRef")
                .isEqualTo(first.field("jobRef").substring("fake://cloud/".length()));
        assertThat(first.field("status")).isEqualTo("Submitted");
        FakeCloud cloud = FakeDriverFactory.cloud("ep");
        PilotRequest sent = cloud.submissions.get(0);
        assertThat(sent.stamps()).containsExactly(stamp);
        assertThat(sent.payload().wrapper()).isEqualTo(WRAPPER);
        assertThat(new String(Base64.getDecoder().decode(sent.payload().secrets().get(PilotPayload.PROXY_VARIABLE)),
                StandardCharsets.US_ASCII)).isEqualTo(PROXY);

        ApiClient.Answer again = client.submit("ep", stamp, key, PROXY, "#!/bin/sh\necho another wrapper\n");
        assertThat(again.status()).as(again.text()).isEqualTo(200);
        assertThat(again.field("jobRef")).isEqualTo(first.field("jobRef"));
        assertThat(cloud.submitCalls.get()).as("the retry started nothing").isEqualTo(1);
        assertThat(pilots("ep")).isEqualTo(1);

        ApiClient.Answer status = client.get("/jobs/" + stamp, key);
        assertThat(status.status()).isEqualTo(200);
        assertThat(status.field("status")).isEqualTo("Submitted");
        ApiClient.Answer output = client.get("/jobs/" + stamp + "/output", key);
        assertThat(output.status()).isEqualTo(200);
        assertThat(output.text()).isEqualTo("output of " + stamp);
        ApiClient.Answer killed = client.delete("/jobs/" + stamp, key);
        assertThat(killed.status()).as(killed.text()).isEqualTo(200);
        assertThat(killed.field("status")).isEqualTo("Deleted");
        assertThat(cloud.resources().get(0).state().status()).isEqualTo(PilotStatus.Deleted);
    }

    @Test
    void aPilotTheDirectorStartedIsFollowedReadAndKilledByItsStamp_byAKeyOfItsQueueOnly() throws Exception {
        Queues.demand(db, "own", 1);
        QueueCycle cycle = new QueueCycle(db.jdbi(), PilotEnvironment.none(DIRECTOR), DIRECTOR, Clock.systemUTC(), 10);
        try (PilotDriver driver = new FakeDriverFactory().create(new DriverParameters(Map.of()),
                new DriverContext(DIRECTOR, "own", dir))) {
            assertThat(cycle.run("own", driver).submitted()).isEqualTo(1);
        }
        String stamp = db.jdbi().withHandle(h -> h.createQuery("select stamp from pilot where queue = 'own'")
                .mapTo(String.class).one());

        ApiClient.Answer status = client.get("/jobs/" + stamp, key);
        assertThat(status.status()).as(status.text()).isEqualTo(200);
        assertThat(status.field("pilotReference")).as("the reference DIRAC knows it by").isEqualTo("pilotd://" + stamp);
        assertThat(status.field("status")).isEqualTo(db.jdbi().withHandle(h -> h.createQuery(
                "select status from pilot where stamp = :s").bind("s", stamp).mapTo(String.class).one()));
        assertThat(client.get("/jobs/" + stamp + "/output", key).text()).isEqualTo("output of " + stamp);
        String other = addKey("other-queues", Queues.VO, List.of("ep"), 1000, Duration.ofDays(1));
        assertRefused(client.delete("/jobs/" + stamp, other), 404, "no job named " + stamp);

        ApiClient.Answer killed = client.delete("/jobs/" + stamp, key);
        assertThat(killed.status()).as(killed.text()).isEqualTo(200);
        assertThat(killed.field("status")).isEqualTo("Deleted");
        assertThat(FakeDriverFactory.cloud("own").resources().get(0).state().status()).isEqualTo(PilotStatus.Deleted);
    }

    @Test
    void aNameThatIsNoStampGetsAStampOfPilotds_andTwoRequestsAtOnceStartOnePilot() throws Exception {
        ExecutorService two = Executors.newFixedThreadPool(2);
        CountDownLatch ready = new CountDownLatch(2);
        Callable<ApiClient.Answer> submit = () -> {
            ready.countDown();
            ready.await();
            return client.submit("ep", "dirac-job.42", key, PROXY, WRAPPER);
        };
        List<ApiClient.Answer> answers = new ArrayList<>();
        for (Future<ApiClient.Answer> answer : two.invokeAll(List.of(submit, submit))) {
            answers.add(answer.get());
        }
        two.shutdown();

        assertThat(answers).extracting(ApiClient.Answer::status).containsExactlyInAnyOrder(201, 200);
        assertThat(answers.get(0).field("stamp")).matches("[0-9a-f]{32}").isEqualTo(answers.get(1).field("stamp"));
        int jobs = db.jdbi().withHandle(h -> h.createQuery("select count(*) from endpoint_job where job_name = 'dirac-job.42'")
                .mapTo(Integer.class).one());
        assertThat(jobs).isEqualTo(1);
    }

    @Test
    void aLostAnswerIsAcceptedWithoutAJobRef_andARetryFindsTheSameJob() {
        FakeDriverFactory.cloud("lost").timeOutAfterSubmit = true;
        String stamp = "11111111111111111111111111111111";

        ApiClient.Answer first = client.submit("lost", stamp, key, PROXY, WRAPPER);
        assertThat(first.status()).as(first.text()).isEqualTo(202);
        assertThat(first.field("jobRef")).isNull();
        assertThat(first.field("status")).as("DIRAC has no Submitting").isEqualTo("Submitted");

        ApiClient.Answer again = client.submit("lost", stamp, key, PROXY, WRAPPER);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.field("stamp")).isEqualTo(stamp);
        assertThat(FakeDriverFactory.cloud("lost").submitCalls.get()).isEqualTo(1);
        assertThat(client.delete("/jobs/" + stamp, key).status()).as("nothing to kill until the cloud answers").isEqualTo(409);
    }

    @Test
    void eachRefusalIsJsonWithItsStatus() {
        String[] bad = {
            "/submitjob?job_name=a", "/submitjob?queue=ep", "/submitjob?queue=ep&job_name=-dash", "/submitjob?queue=ep&job_name=a%2Fb"};
        for (String path : bad) {
            ApiClient.Answer answer = client.post(path, key, ApiClient.body(PROXY, WRAPPER));
            assertThat(answer.status()).as(path).isEqualTo(400);
            assertThat(answer.field("message")).as(path).isNotBlank();
        }
        assertRefused(client.post("/submitjob?queue=ep&job_name=j1", key, "{\"proxyFileEncoded\": 1".getBytes()), 400, "not JSON");
        assertRefused(client.post("/submitjob?queue=ep&job_name=j1", key, "[]".getBytes()), 400, "JSON object");
        assertRefused(client.post("/submitjob?queue=ep&job_name=j1", key,
                "{\"proxyFileEncoded\": \"@@@\", \"wrapperFileEncoded\": \"eA==\"}".getBytes()), 400, "proxyFileEncoded is not base64");
        assertRefused(client.post("/submitjob?queue=ep&job_name=j1", key, "{\"wrapperFileEncoded\": \"eA==\"}".getBytes()),
                400, "no proxyFileEncoded");
        assertRefused(client.post("/submitjob?queue=ep&job_name=j1", key, ("{\"proxyFileEncoded\": \"eA==\", \"wrapperFileEncoded\": \""
                + Base64.getEncoder().encodeToString(new byte[] {(byte) 0xC3, 0x28}) + "\"}").getBytes()), 400, "UTF-8 text");

        assertRefused(client.submit("ep", "j1", null, PROXY, WRAPPER), 401, "no x-api-key");
        assertRefused(client.submit("ep", "j1", ApiKeySecret.generate(), PROXY, WRAPPER), 401, "not a key of this endpoint");
        String revoked = addKey("revoked", Queues.VO, List.of("ep"), 100, Duration.ofDays(1));
        keys.revoke("revoked", Instant.now());
        assertRefused(client.submit("ep", "j1", revoked, PROXY, WRAPPER), 401, "was revoked");
        String expired = addKey("expired", Queues.VO, List.of("ep"), 100, Duration.ofDays(-1));
        assertRefused(client.submit("ep", "j1", expired, PROXY, WRAPPER), 401, "expired at");
        assertRefused(client.submit("elsewhere", "j1", key, PROXY, WRAPPER), 403, "may not use the queue elsewhere");
        assertRefused(client.submit("ep", "j1", key, CREDENTIALS.proxy().voms("othervo").pem(), WRAPPER), 403, "of VO othervo");

        assertRefused(client.submit("ep", "j1", key, "not a proxy", WRAPPER), 422, "holds no certificate");
        assertRefused(client.submit("ep", "j1", key, CREDENTIALS.proxy().voms(Queues.VO).expiredAgo(Duration.ofHours(1)).pem(),
                WRAPPER), 422, "expired");
        assertRefused(client.submit("ep", "j1", key, CREDENTIALS.proxy().voms(Queues.VO).validFor(Duration.ofMinutes(20)).pem(),
                WRAPPER), 422, "less than the 1h");
        assertRefused(client.submit("ep", "j1", key, CREDENTIALS.proxy().voms(Queues.VO).brokenChain().pem(), WRAPPER), 422,
                "cannot be used");
        assertRefused(client.submit("ep", "j1", key, CREDENTIALS.proxy().pem(), WRAPPER), 422, "no VOMS attributes");

        assertRefused(client.post("/submitjob?queue=ep&job_name=j1", key, new byte[9 * 1024]), 413, "endpoint.maxBodyKiB");
        assertRefused(client.get("/jobs/nosuchjob", key), 404, "no job named nosuchjob");
        assertRefused(client.get("/elsewhere", key), 404, "no such resource");
        assertRefused(client.get("/submitjob", key), 405, "POST");
        assertThat(client.get("/jobs/j1", key).status()).as("no refused request made a job").isEqualTo(404);
    }

    @Test
    void aQueueAtItsLimitIsAConflict_aDriverThatCannotTakeItIsUnavailable_andOneThatRefusesIsABadGateway() {
        assertThat(client.submit("tight", "t1", key, PROXY, WRAPPER).status()).isEqualTo(201);
        assertRefused(client.submit("tight", "t2", key, PROXY, WRAPPER), 409, "limits.maxWaiting");

        FakeDriverFactory.cloud("down").failSubmit = new RetryableDriverException("ServiceUnavailable: try later");
        ApiClient.Answer down = client.submit("down", "d1", key, PROXY, WRAPPER);
        assertRefused(down, 503, "try later");
        assertThat(down.headers().firstValue("Retry-After")).isPresent();

        FakeDriverFactory.cloud("refusing").failSubmit = new DriverException("InvalidParameter: no such job definition");
        assertRefused(client.submit("refusing", "r1", key, PROXY, WRAPPER), 502, "no such job definition");
        assertThat(client.get("/jobs/r1", key).status()).as("a refused request leaves no job").isEqualTo(404);
        assertThat(client.submit("refusing", "r1", key, PROXY, WRAPPER).status())
                .as("its name may be used again: it is not a retry of a job").isEqualTo(502);

        String stamp = "22222222222222222222222222222222";
        assertThat(client.submit("refusing", stamp, key, PROXY, WRAPPER).status()).isEqualTo(502);
        FakeDriverFactory.cloud("refusing").failSubmit = null;
        ApiClient.Answer later = client.submit("refusing", stamp, key, PROXY, WRAPPER);
        assertThat(later.status()).as(later.text()).isEqualTo(201);
        assertThat(later.field("stamp")).as("the stamp is the refused pilot's: the new one gets pilotd's")
                .matches("[0-9a-f]{32}").isNotEqualTo(stamp);
    }

    @Test
    void aKeyBeyondItsRateWaits_andOtherKeysDoNot() {
        String slow = addKey("slow", Queues.VO, List.of("ep"), 2, Duration.ofDays(1));

        assertThat(client.get("/jobs/none", slow).status()).isEqualTo(404);
        assertThat(client.get("/jobs/none", slow).status()).isEqualTo(404);
        ApiClient.Answer third = client.get("/jobs/none", slow);
        assertRefused(third, 429, "2 requests a minute");
        assertThat(third.headers().firstValue("Retry-After").map(Integer::parseInt)).hasValueSatisfying(s -> assertThat(s).isPositive());
        assertThat(client.get("/jobs/none", key).status()).isEqualTo(404);
    }

    @Test
    void everyRequestIsAuditedWithoutItsProxyWrapperOrKey() {
        String auditor = addKey("audited", Queues.VO, List.of("ep"), 100, Duration.ofDays(1));
        assertThat(client.submit("ep", "audited-1", auditor, PROXY, WRAPPER).status()).isEqualTo(201);
        assertThat(client.submit("ep", "audited-2", auditor, CREDENTIALS.proxy().pem(), WRAPPER).status()).isEqualTo(422);
        assertThat(client.get("/jobs/audited-1", auditor).status()).isEqualTo(200);
        assertThat(client.submit("ep", "audited-3", "pilotd_wrong", PROXY, WRAPPER).status()).isEqualTo(401);

        long id = keys.byName("audited").orElseThrow().id();
        List<EndpointAudit.Entry> rows = new EndpointAudit(db.jdbi()).latest(1000).stream().map(EndpointAudit.Shown::entry)
                .filter(e -> e.jobName() != null && e.jobName().startsWith("audited")).toList();
        assertThat(rows).extracting(EndpointAudit.Entry::jobName, EndpointAudit.Entry::keyId, EndpointAudit.Entry::status)
                .containsExactly(
                        tuple("audited-3", null, 401),
                        tuple("audited-1", id, 200),
                        tuple("audited-2", id, 422),
                        tuple("audited-1", id, 201));
        assertThat(rows).allSatisfy(e -> {
            assertThat(e.remote()).isEqualTo("127.0.0.1");
            assertThat(e.queue()).isEqualTo("ep");
            assertThat(e.outcome()).isNotBlank();
        });
        String everything = db.jdbi().withHandle(h -> h.createQuery("select string_agg(a::text, '\n') from endpoint_audit a")
                .mapTo(String.class).one());
        String proxyBody = Base64.getEncoder().encodeToString(PROXY.getBytes(StandardCharsets.US_ASCII));
        assertThat(everything).doesNotContain(auditor, key, "pilotd_wrong", "BEGIN", proxyBody.substring(0, 40),
                "wrapper-7f3a");
    }

    @Test
    void theOpenApiDocumentIsServedAsTheRepositoryHasIt() throws Exception {
        ApiClient.Answer answer = client.get(EndpointApi.OPENAPI, null);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.text()).isEqualTo(Files.readString(Path.of("src/main/resources/io/pilotd/director/endpoint/openapi.yaml")));
    }

    private static void assertRefused(ApiClient.Answer answer, int status, String message) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.field("status")).isEqualTo(Integer.toString(status));
        assertThat(answer.field("message")).contains(message);
    }
}
