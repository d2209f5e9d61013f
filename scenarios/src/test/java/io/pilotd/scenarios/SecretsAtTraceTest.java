package io.pilotd.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.DirectorSettings;
import io.pilotd.director.config.PilotSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.ProxySettings;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.cycle.QueueCycle;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.CycleRecord;
import io.pilotd.director.store.Database;
import io.pilotd.director.testing.CapturedLog;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeClock;
import io.pilotd.proxy.TestCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every logger at TRACE, the AWS SDK's included, while the director sends pilots with a proxy
 * through the real drivers: the proxy reaches the cloud, and no line of it reaches the log.
 */
class SecretsAtTraceTest {
    private static final String DIRECTOR = "trace-director";

    @TempDir
    Path dir;

    @BeforeAll
    static void credentials() {
        Cloud.credentials();
    }

    /** The user-data as cloud-init reads it: base64, gzipped when it was over the cloud's limit. */
    private static String userData(String base64) throws IOException {
        byte[] bytes = Base64.getDecoder().decode(base64);
        if (bytes.length > 1 && bytes[0] == (byte) 0x1f && bytes[1] == (byte) 0x8b) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = in.readAllBytes();
            }
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ec2", "aws-batch", "openstack"})
    void theProxyGoesToTheCloudAndNeverToTheLog(String driverName) throws Exception {
        String pem = TestCredentials.create().proxy().voms(Queues.VO, "/" + Queues.VO).pem();
        Path proxy = Files.writeString(dir.resolve("proxy.pem"), pem);
        Files.setPosixFilePermissions(proxy, PosixFilePermissions.fromString("rw-------"));
        QueueConfig q = Queues.queue("q", 10, 10, 3);
        PilotdConfig config = new PilotdConfig(DirectorSettings.defaults(), null,
                new ProxySettings(proxy.toString(), Duration.ofHours(1), null, null),
                new PilotSettings("Setup", null, null, null, null, List.of("https://dirac.example.org/pilot"), null, null, null, null),
                Map.of(q.site(), SiteConfig.uncapped()), List.of(q));
        FakeClock clock = new FakeClock();
        try (CapturedLog log = CapturedLog.atTrace(); Cloud cloud = Cloud.of(driverName, new CloudBehaviour(clock, 7));
             Database db = TestDatabases.fresh(); PilotDriver driver = cloud.driver(DIRECTOR, "q")) {
            Queues.sync(db, q);
            Queues.demand(db, "q", 3);
            QueueCycle cycle = new QueueCycle(db.jdbi(), PilotEnvironment.of(config, DIRECTOR, clock), DIRECTOR, clock, 10);

            CycleRecord record = cycle.run("q", driver);

            assertThat(record.submitted()).as(record.errors()).isEqualTo(3);
            String sent = Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
            String delivered = driverName.equals("aws-batch") ? cloud.firstPayload() : userData(cloud.firstPayload());
            assertThat(delivered).as("the proxy reached the cloud").contains(sent);
            String sdk = driverName.equals("openstack") ? "org.openstack4j" : "software.amazon";
            assertThat(log.events()).as("the SDK logged at TRACE").anyMatch(e -> e.getLoggerName().startsWith(sdk));
            assertThat(log.text()).doesNotContain(sent.substring(200, 264));
            CapturedLog.assertNoProxyIn(log.text(), pem);
        }
    }
}
