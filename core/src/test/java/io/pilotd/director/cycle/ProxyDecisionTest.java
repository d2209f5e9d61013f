package io.pilotd.director.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.DirectorSettings;
import io.pilotd.director.config.PilotSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.ProxySettings;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.CycleRecord;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueStore;
import io.pilotd.director.testing.CapturedLog;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.fakes.FakeCloud;
import io.pilotd.proxy.Proxy;
import io.pilotd.proxy.TestCredentials;
import io.pilotd.proxy.TestTls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The director checks the queue's proxy before every submission, and never lets it out anywhere but to the pilots. */
class ProxyDecisionTest {
    private static final String DIRECTOR = "proxy-test";
    private static final TestCredentials CREDENTIALS = TestCredentials.create();

    @TempDir
    Path dir;
    private Database db;
    private FakeCloud cloud;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        cloud = new FakeCloud();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private QueueCycle cycle(ProxySettings proxy, QueueConfig queue) {
        PilotdConfig config = new PilotdConfig(DirectorSettings.defaults(), null, proxy, PilotSettings.none(),
                Map.of(queue.site(), SiteConfig.uncapped()), List.of(queue));
        return new QueueCycle(db.jdbi(), PilotEnvironment.of(config, DIRECTOR, Clock.systemUTC()), DIRECTOR, Clock.systemUTC(), 10);
    }

    private CycleRecord runWith(TestCredentials.ProxyBuilder proxy) {
        QueueConfig q = Queues.queue("q", 10, 10, 10);
        Queues.sync(db, q);
        Queues.demand(db, "q", 3);
        Path file = proxy.writeTo(dir.resolve("proxy.pem"));
        return cycle(new ProxySettings(file.toString(), Duration.ofHours(2), null, null), q).run("q", cloud.driver(DIRECTOR));
    }

    @Test
    void aFitProxyGoesToEveryPilotOfTheSubmission() throws Exception {
        CycleRecord record = runWith(CREDENTIALS.proxy().voms(Queues.VO, "/" + Queues.VO).validFor(Duration.ofHours(12)));

        assertThat(record.submitted()).isEqualTo(3);
        PilotPayload payload = cloud.submissions.get(0).payload();
        String pem = new String(Base64.getDecoder().decode(payload.secrets().get(PilotPayload.PROXY_VARIABLE)), StandardCharsets.US_ASCII);
        assertThat(Proxy.parse(pem, "sent").inspect(Instant.now()).valid()).isTrue();
        assertThat(payload.environment()).doesNotContainKey(PilotPayload.PROXY_VARIABLE);
    }

    @Test
    void anExpiredProxyStartsNoPilot() {
        assertRefused(runWith(CREDENTIALS.proxy().voms(Queues.VO, "/" + Queues.VO).expiredAgo(Duration.ofMinutes(5))),
                "the proxy certificate expired at");
    }

    @Test
    void aProxyWhoseKeyIsNotItsCertificatesStartsNoPilot() {
        assertRefused(runWith(CREDENTIALS.proxy().voms(Queues.VO, "/" + Queues.VO).wrongKey()),
                "its private key does not match its certificate");
    }

    @Test
    void aProxyOfAnotherVoStartsNoPilot() {
        assertRefused(runWith(CREDENTIALS.proxy().voms("othervo", "/othervo")),
                "is of VO othervo, not of the queue's VO " + Queues.VO);
    }

    @Test
    void aProxyWithLessTimeLeftThanTheQueueNeedsStartsNoPilot() {
        assertRefused(runWith(CREDENTIALS.proxy().voms(Queues.VO, "/" + Queues.VO).validFor(Duration.ofMinutes(90))),
                "less than the 2h its pilots need (minLifetime)");
    }

    @Test
    void aProxyWhoseChainEndsAtNoTrustedCaStartsNoPilot_andOneThatDoesStarts() throws Exception {
        QueueConfig q = Queues.queue("q", 10, 10, 10);
        Queues.sync(db, q);
        Queues.demand(db, "q", 2);
        Path file = CREDENTIALS.proxy().voms(Queues.VO, "/" + Queues.VO).writeTo(dir.resolve("p.pem"));
        Path otherCa = Files.createDirectories(dir.resolve("other-ca"));
        TestTls.write(otherCa);

        assertRefused(cycle(new ProxySettings(file.toString(), Duration.ofHours(1), null, otherCa.toString()), q)
                .run("q", cloud.driver(DIRECTOR)), "is not one of the");

        Path trusted = Files.createDirectories(dir.resolve("trusted"));
        Files.writeString(trusted.resolve("1a2b3c4d.0"), CREDENTIALS.caPem());
        CycleRecord record = cycle(new ProxySettings(file.toString(), Duration.ofHours(1), null, trusted.toString()), q)
                .run("q", cloud.driver(DIRECTOR));
        assertThat(record.submitted()).isEqualTo(2);
    }

    @Test
    void aQueuesOwnMinLifetimeWinsOverTheGlobalOne() {
        QueueConfig base = Queues.queue("q", 10, 10, 10);
        QueueConfig q = new QueueConfig(base.name(), base.site(), base.ce(), base.queue(), base.driver(), true, base.cycle(),
                null, base.limits(), base.matching(), Map.of(), new ProxySettings(null, Duration.ofMinutes(30), null, null), null);
        Queues.sync(db, q);
        Queues.demand(db, "q", 2);
        Path file = CREDENTIALS.proxy().voms(Queues.VO, "/" + Queues.VO).validFor(Duration.ofHours(1)).writeTo(dir.resolve("p.pem"));

        CycleRecord record = cycle(new ProxySettings(file.toString(), Duration.ofHours(24), null, null), q).run("q", cloud.driver(DIRECTOR));

        assertThat(record.submitted()).isEqualTo(2);
    }

    @Test
    void aProxyFileOthersCanReadStartsNoPilot() throws Exception {
        QueueConfig q = Queues.queue("q", 10, 10, 10);
        Queues.sync(db, q);
        Queues.demand(db, "q", 1);
        Path file = CREDENTIALS.proxy().voms(Queues.VO, "/" + Queues.VO).writeTo(dir.resolve("p.pem"));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertRefused(cycle(new ProxySettings(file.toString(), null, null, null), q).run("q", cloud.driver(DIRECTOR)),
                "is readable by others: chmod 600 it");
    }

    @Test
    void aDelegatingQueueSendsAFreshShorterProxyNotTheFilesOwn() throws Exception {
        QueueConfig q = Queues.queue("q", 10, 10, 10);
        Queues.sync(db, q);
        Queues.demand(db, "q", 1);
        String filePem = CREDENTIALS.proxy().voms(Queues.VO, "/" + Queues.VO).validFor(Duration.ofHours(24)).pem();
        Path file = Files.writeString(dir.resolve("p.pem"), filePem);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        cycle(new ProxySettings(file.toString(), Duration.ofHours(1), Duration.ofHours(6), null), q).run("q", cloud.driver(DIRECTOR));

        String sent = new String(Base64.getDecoder().decode(
                cloud.submissions.get(0).payload().secrets().get(PilotPayload.PROXY_VARIABLE)), StandardCharsets.US_ASCII);
        assertThat(sent).isNotEqualTo(filePem);
        var info = Proxy.parse(sent, "sent").inspect(Instant.now());
        assertThat(info.problems()).isEmpty();
        assertThat(info.timeLeft(Instant.now())).isBetween(Duration.ofHours(6).minusMinutes(1), Duration.ofHours(6));
        assertThat(info.identity()).isEqualTo(TestCredentials.USER_GRID_DN);
    }

    @Test
    void atTraceNoProxyOrKeyTextIsLoggedOrStoredEvenWhenTheCloudEchoesIt() throws Exception {
        try (CapturedLog log = CapturedLog.atTrace()) {
            QueueConfig q = Queues.queue("q", 10, 10, 10);
            Queues.sync(db, q);
            Queues.demand(db, "q", 2);
            String pem = CREDENTIALS.proxy().voms(Queues.VO, "/" + Queues.VO).pem();
            Path file = Files.writeString(dir.resolve("p.pem"), pem);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            QueueCycle cycle = cycle(new ProxySettings(file.toString(), Duration.ofHours(1), null, null), q);
            cycle.run("q", cloud.driver(DIRECTOR));
            // A cloud that refuses and quotes back what it was sent, as some APIs do.
            String sent = cloud.submissions.get(0).payload().secrets().get(PilotPayload.PROXY_VARIABLE);
            cloud.failSubmit = new DriverException("InvalidParameterValue: environment value '" + sent
                    + "' is not allowed; user data: " + pem.substring(0, 900));
            Queues.demand(db, "q", 5);
            CycleRecord refused = cycle.run("q", cloud.driver(DIRECTOR));
            assertThat(refused.errors()).contains("InvalidParameterValue");

            String everything = log.text() + refused.errors() + new QueueStore(db.jdbi()).get("q").lastError()
                    + new PilotStore(db.jdbi()).list("q", null, 100).stream().map(p -> String.valueOf(p.statusReason()))
                            .collect(Collectors.joining("\n"));
            assertThat(log.events()).isNotEmpty();
            assertThat(everything).doesNotContain(sent.substring(100, 164));
            CapturedLog.assertNoProxyIn(everything, pem);
        }
    }

    private void assertRefused(CycleRecord record, String why) {
        assertThat(record.submitted()).isZero();
        assertThat(record.decidingFactor()).isEqualTo("proxy");
        assertThat(record.errors()).contains(why);
        assertThat(cloud.submitCalls).hasValue(0);
        assertThat(new PilotStore(db.jdbi()).list("q", null, 100)).noneMatch(p -> p.status() != PilotStatus.Aborted);
    }
}
