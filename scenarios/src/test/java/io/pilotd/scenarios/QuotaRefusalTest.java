package io.pilotd.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pilotd.director.config.DatabaseSettings;
import io.pilotd.director.cycle.QueueCycle;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.CycleRecord;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.testing.Cli;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeClock;
import io.pilotd.fakes.FakeOpenStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Nova project whose quota admits 3 of the 10 servers a cycle asks for: the cycle starts 3,
 * aborts the other 7 with Nova's own words, and `pilotd queues` shows the refusal.
 */
class QuotaRefusalTest {
    private static final String DIRECTOR = "quota-director";

    @TempDir
    Path dir;

    @Test
    void aQuotaThatAdmitsThreeOfTenAbortsSevenInTheSameCycleWithNovasMessage() throws Exception {
        String url = TestDatabases.newDatabaseUrl();
        FakeClock clock = new FakeClock();
        Path config;
        try (Cloud.OpenStack cloud = (Cloud.OpenStack) Cloud.of("openstack", new CloudBehaviour(clock, 3));
             Database db = Database.open(new DatabaseSettings(url, "postgres", null, null, 4), dir, Map.of());
             PilotDriver driver = cloud.driver(DIRECTOR, "quota")) {
            db.migrate();
            Path password = Files.writeString(dir.resolve("openstack.password"), FakeOpenStack.PASSWORD);
            Files.setPosixFilePermissions(password, PosixFilePermissions.fromString("rw-------"));
            config = Files.writeString(dir.resolve("pilotd.yaml"), """
                    director: {id: %s, dataDir: %s}
                    database: {url: '%s', user: postgres}
                    pilot: {locations: ['https://pilots.example.org/pilot']}
                    sites: {CLOUD.Quota.de: {}}
                    queues:
                      - {name: quota, site: CLOUD.Quota.de, ce: nova, queue: m1.large, driver: openstack, cycle: 1m,
                         limits: {maxRunning: 20, maxWaiting: 10, maxPerCycle: 10}, matching: {vo: quota},
                         parameters: {authUrl: '%s', region: %s, username: %s, project: %s, passwordFile: %s,
                                      image: alma9-pilot, flavor: m1.large}}
                    """.formatted(DIRECTOR, dir.resolve("data"), url, cloud.fake.authUrl(), FakeOpenStack.REGION,
                    FakeOpenStack.USER, FakeOpenStack.PROJECT, password));
            Cli added = Cli.run("tq", "add", "--vo", "quota", "--jobs", "100", "-c", config.toString());
            assertThat(added.exitCode()).as(added.err()).isZero();
            Cli before = Cli.run("queues", "-c", config.toString());
            assertThat(before.exitCode()).as("writes the queue: " + before.err()).isZero();

            cloud.fake.quota = 3;
            CycleRecord cycle = new QueueCycle(db.jdbi(), PilotEnvironment.none(DIRECTOR), DIRECTOR, clock, 10)
                    .run("quota", driver);

            assertThat(cycle.submitted()).isEqualTo(3);
            List<PilotRecord> pilots = new PilotStore(db.jdbi()).list("quota", null, 100);
            assertThat(pilots).filteredOn(p -> !p.status().isFinal()).as("started, and followed").hasSize(3);
            assertThat(pilots).filteredOn(p -> p.status() == PilotStatus.Aborted).hasSize(7)
                    .allSatisfy(p -> assertThat(p.statusReason()).contains("submission refused: Nova refused 7 of the 10")
                            .contains("Quota exceeded for instances: Requested 10, but already used 0 of 3 instances"));
            assertThat(cloud.fake.servers()).hasSize(3);
        }

        Cli queues = Cli.run("queues", "--format", "json", "-c", config.toString());
        assertThat(queues.exitCode()).as(queues.err()).isZero();
        JsonNode quota = new ObjectMapper().readTree(queues.out()).get(0);
        assertThat(quota.path("lastError").asText())
                .contains("Quota exceeded for instances: Requested 10, but already used 0 of 3 instances");
        assertThat(quota.path("backoffUntil").isNull()).as("the queue backs off: its next create would be refused").isFalse();
        assertThat(quota.path("alive").asInt()).isEqualTo(3);
        assertThat(quota.path("unresolved").asInt()).as("a definite answer: nothing left unknown").isZero();
    }
}
