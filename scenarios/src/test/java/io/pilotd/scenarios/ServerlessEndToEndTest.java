package io.pilotd.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pilotd.director.config.DirectorSettings;
import io.pilotd.director.config.EndpointSettings;
import io.pilotd.director.config.Matching;
import io.pilotd.director.config.PilotSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.ProxySettings;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.cycle.QueueCycle;
import io.pilotd.director.cycle.QueueDrivers;
import io.pilotd.director.daemon.Director;
import io.pilotd.director.dirac.DiracReference;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.endpoint.ApiKeySecret;
import io.pilotd.director.endpoint.Endpoint;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.ConfigMirror;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.EndpointKeys;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeAws;
import io.pilotd.fakes.FakeBatch;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop of the serverless design, on loopback: a director whose queue uses the
 * serverless driver sends its pilots to a {@code pilotd endpoint} (with its own database, and its
 * queue's cycle) whose queue uses aws-batch against the fake AWS, over HTTPS with a CA made here.
 * Batch loses some answers after acting and lists new jobs late, as a real one does.
 */
class ServerlessEndToEndTest {
    private static final Duration DEADLINE = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    @BeforeAll
    static void credentials() {
        Cloud.credentials();
    }

    @Test
    void pilotsGoFromTheDirectorThroughTheEndpointToBatch_withStampsAndJobRefsConsistentOnBothSides() throws Exception {
        CloudBehaviour batch = new CloudBehaviour(Clock.systemUTC(), 24).lostAnswers(0.4).listingLag(Duration.ofSeconds(2));
        TestTls.Pem tls = TestTls.write(Files.createDirectories(dir.resolve("tls")));
        String pem = TestCredentials.create().proxy().voms(Queues.VO, "/" + Queues.VO).validFor(Duration.ofHours(12)).pem();
        Path proxy = secret("proxy.pem", pem);
        String key = ApiKeySecret.generate();
        int port = Daemons.freePort();
        PilotBoot boot = PilotBoot.in(Files.createDirectories(dir.resolve("pilots")));

        try (FakeAws aws = new FakeAws(batch); Database siteDb = TestDatabases.fresh(); Database centralDb = TestDatabases.fresh()) {
            QueueConfig batchQueue = queue("batch-eu", "aws-batch", Map.of("region", "eu-central-1", "endpoint",
                    aws.endpoint().toString(), "jobQueue", "pilots", "jobDefinition", "dirac-pilot:1", "maxAttempts", 1,
                    "apiTimeout", "20s"), ProxySettings.none());
            PilotdConfig site = Daemons.withEndpoint(Daemons.config("site", false, 2, List.of(batchQueue)),
                    new EndpointSettings("127.0.0.1", port, tls.certificate().toString(), tls.key().toString(), null,
                            Duration.ofHours(1), null, 2, null, null));
            QueueConfig viaEndpoint = queue("via-endpoint", "serverless", Map.of("endpoint", "https://127.0.0.1:" + port,
                    "queue", "batch-eu", "apiKeyFile", secret("api.key", key).toString(), "caBundle", tls.ca().toString(),
                    "callsPerMinute", 600),
                    new ProxySettings(proxy.toString(), Duration.ofHours(1), null, null));
            PilotdConfig central = new PilotdConfig(new DirectorSettings("central", null, null, null, false, 2,
                    Duration.ofMinutes(1), null, null, null), Daemons.config("central", viaEndpoint).database(), null,
                    new PilotSettings("Production", null, null, null, null, List.of(boot.files().toString()), null,
                            null, null, null),
                    Daemons.config("central", viaEndpoint).sites(), List.of(viaEndpoint));

            // The endpoint's side cycles its queue here, as its daemon would, on a timer of the test's.
            ConfigMirror.sync(siteDb.jdbi(), site);
            PilotEnvironment siteEnvironment = PilotEnvironment.of(site, "site", Clock.systemUTC());
            QueueCycle siteCycle = new QueueCycle(siteDb.jdbi(), siteEnvironment, "site", Clock.systemUTC(), 10);
            ScheduledExecutorService siteDaemon = Executors.newSingleThreadScheduledExecutor();
            try (QueueDrivers siteDrivers = QueueDrivers.create(site.queues(), DriverCatalog.load(), "site", dir);
                 Endpoint endpoint = Endpoint.start(site, new Endpoint.Daemon(siteDb.jdbi(), siteEnvironment, DriverCatalog.load(),
                         "site", dir, QueueDrivers.Decorator.NONE, status -> { }));
                 Director director = Director.start(central, centralDb, DriverCatalog.load(),
                         Files.createDirectories(dir.resolve("central")))) {
                siteDaemon.scheduleWithFixedDelay(() -> siteCycle.run("batch-eu", siteDrivers.get("batch-eu")), 0, 500,
                        TimeUnit.MILLISECONDS);
                new EndpointKeys(siteDb.jdbi()).add("central", ApiKeySecret.hash(key), ApiKeySecret.prefix(key), Queues.VO,
                        List.of("batch-eu"), 600, Instant.now().plus(Duration.ofDays(1)));
                Queues.demand(centralDb, "via-endpoint", 3);

                Daemons.await("three pilots on both sides, each with its jobRef", DEADLINE, () ->
                        pilots(centralDb).values().stream().filter(p -> p.jobRef() != null).count() == 3
                                && pilots(siteDb).values().stream().filter(p -> p.jobRef() != null).count() == 3);

                // The pilots took the jobs: no more demand.
                centralDb.jdbi().useHandle(h -> h.execute("update task_queue_job set status = 'Done'"));
                Map<String, Pilot> sent = pilots(centralDb);
                Map<String, Pilot> started = pilots(siteDb);
                assertThat(started.keySet()).as("the endpoint's pilots have the director's stamps").isEqualTo(sent.keySet());
                List<FakeBatch.Job> jobs = aws.batch.jobs().stream().filter(FakeBatch.Job::isPilot).toList();
                assertThat(jobs).as("one Batch job per pilot, whatever answers were lost").hasSize(3);
                Map<String, String> stampByJobId = jobs.stream().collect(Collectors.toMap(j -> j.id, ServerlessEndToEndTest::stamp));
                for (Pilot pilot : sent.values()) {
                    Pilot there = started.get(pilot.stamp());
                    assertThat(pilot.jobRef()).isEqualTo("127.0.0.1:" + port + "/" + pilot.stamp());
                    assertThat(there.jobRef()).startsWith("awsbatch://eu-central-1/pilots/");
                    assertThat(there.nativeId()).isEqualTo(there.jobRef().substring(there.jobRef().lastIndexOf('/') + 1));
                    assertThat(stampByJobId.get(there.nativeId())).as("the Batch job carries the stamp").isEqualTo(pilot.stamp());
                    if (pilot.nativeId() != null) {
                        assertThat(pilot.nativeId()).as("the director's native id is the endpoint's Batch job id")
                                .isEqualTo(there.nativeId());
                    }
                }
                assertThat(sent.values()).as("a pilot whose endpoint answered at once has its native id")
                        .anySatisfy(p -> assertThat(p.nativeId()).isNotNull());
                Map<String, String> env = new LinkedHashMap<>();
                jobs.get(0).submit.path("containerOverrides").path("environment")
                        .forEach(pair -> env.put(pair.path("name").asText(), pair.path("value").asText()));
                assertThat(new String(Base64.getDecoder().decode(env.get(PilotPayload.PROXY_VARIABLE)), StandardCharsets.US_ASCII))
                        .as("the pilot carries the director's proxy").isEqualTo(pem);
                // The endpoint's container runs the director's wrapper: DIRAC's pilot in it reports the
                // reference the director writes to DIRAC's PilotAgents table for the pilot it sent.
                boot.container(jobs.get(0));
                JsonNode reported = boot.reported(1).get(0);
                assertThat(sent).as("the director's own pilot").containsKey(reported.path("stamp").asText());
                assertThat(reported.path("reference").asText()).isEqualTo(DiracReference.of(stampByJobId.get(jobs.get(0).id)));

                jobs.forEach(j -> aws.batch.set(j.id, "RUNNING", 1000L, null, null));
                Daemons.await("the director sees its pilots running", DEADLINE, () ->
                        pilots(centralDb).values().stream().allMatch(p -> p.status().equals("Running")));
                jobs.forEach(j -> aws.batch.set(j.id, "SUCCEEDED", 1000L, "Essential container in task exited", 0));
                Daemons.await("the director sees its pilots done", DEADLINE, () ->
                        pilots(centralDb).values().stream().allMatch(p -> p.status().equals("Done")));
                assertThat(pilots(siteDb).values()).extracting(Pilot::status).containsOnly("Done");
                assertThat(aws.batch.jobs().stream().filter(FakeBatch.Job::isPilot)).as("nothing more started").hasSize(3);
            } finally {
                siteDaemon.shutdownNow();
                siteDaemon.awaitTermination(1, TimeUnit.MINUTES);
            }
        }
    }

    private record Pilot(String stamp, String jobRef, String nativeId, String status) {
    }

    private static Map<String, Pilot> pilots(Database db) {
        return db.jdbi().withHandle(h -> h.createQuery("select stamp, job_ref, native_id, status from pilot")
                .map((rs, ctx) -> new Pilot(rs.getString("stamp"), rs.getString("job_ref"), rs.getString("native_id"),
                        rs.getString("status")))
                .list()).stream().collect(Collectors.toMap(Pilot::stamp, p -> p));
    }

    private static String stamp(FakeBatch.Job job) {
        for (JsonNode pair : job.submit.path("containerOverrides").path("environment")) {
            if (pair.path("name").asText().equals(PilotPayload.STAMP_VARIABLE)) {
                return pair.path("value").asText();
            }
        }
        return null;
    }

    private static QueueConfig queue(String name, String driver, Map<String, Object> parameters, ProxySettings proxy) {
        return new QueueConfig(name, "SITE." + name + ".de", "ce." + name, "default", driver, true, Duration.ofSeconds(1), null,
                new QueueLimits(100, 100, 10, Duration.ofHours(1), null, null, null),
                new Matching(Queues.VO, null, null, null, null, 1, null, null), parameters, proxy, null);
    }

    private Path secret(String name, String value) throws Exception {
        Path file = Files.writeString(dir.resolve(name), value);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }
}
