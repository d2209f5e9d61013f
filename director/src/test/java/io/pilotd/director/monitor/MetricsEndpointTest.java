package io.pilotd.director.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.ProxySettings;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.daemon.Director;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.StatusStore;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.ExternalTool;
import io.pilotd.director.testing.FakeDriverFactory;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.SeededPilots;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.proxy.TestCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's {@code /metrics} and {@code /healthz}, scraped while it runs: what it counted
 * and what the database holds, in a format promtool accepts.
 */
class MetricsEndpointTest {
    @TempDir
    Path dataDir;
    private Database db;
    private Director director;
    private int port;

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabases.fresh();
        FakeDriverFactory.reset();
        PilotdConfig plain = Daemons.withStatusPort(Daemons.config("metrics-test",
                Daemons.queue("a", Duration.ofMinutes(10), Duration.ZERO, 5),
                Daemons.queue("b", Duration.ofMinutes(10), Duration.ZERO, 5)), Daemons.freePort());
        Path proxy = TestCredentials.create().proxy().validFor(Duration.ofHours(12)).voms(Queues.VO)
                .writeTo(dataDir.resolve("proxy.pem"));
        PilotdConfig config = new PilotdConfig(plain.director(), plain.database(),
                new ProxySettings(proxy.toString(), Duration.ofHours(1), null, null), plain.pilot(), plain.sites(), plain.queues());
        Queues.sync(db, config.queues().toArray(QueueConfig[]::new));
        Queues.demand(db, "a", 3);
        FakeDriverFactory.cloud("b").failSubmit = new io.pilotd.driver.api.DriverException("quota exceeded");
        Queues.demand(db, "b", 2);
        director = Director.start(config, db, DriverCatalog.load(), dataDir);
        port = director.statusPort().orElseThrow();
        Daemons.await("the first cycle of both queues", Duration.ofSeconds(60),
                () -> Daemons.cycles(db, "a") == 1 && Daemons.cycles(db, "b") == 1);
    }

    @AfterEach
    void tearDown() {
        director.close();
        db.close();
    }

    @Test
    void metricsSayWhatTheDirectorDidAndWhatTheDatabaseHolds() throws Exception {
        Scrape scrape = Scrape.get(port, "/metrics");
        assertThat(scrape.status()).isEqualTo(200);
        Map<String, Double> samples = scrape.samples();

        assertThat(samples).containsEntry("pilotd_database_up", 1.0)
                .containsEntry(Scrape.key("pilotd_pilots_submitted_total", "queue", "a"), 3.0)
                .containsEntry(Scrape.key("pilotd_submission_failures_total", "queue", "b", "reason", "refused"), 1.0)
                .containsEntry(Scrape.key("pilotd_cycles_total", "queue", "a"), 1.0)
                .containsEntry(Scrape.key("pilotd_cycle_duration_seconds_count"), 2.0)
                .containsEntry(Scrape.key("pilotd_driver_call_errors_total", "driver", "fake", "call", "submit", "kind", "refused"), 1.0)
                .containsEntry(Scrape.key("pilotd_queue_waiting_jobs", "queue", "a"), 3.0)
                .containsEntry(Scrape.key("pilotd_queue_demand", "queue", "a"), 3.0)
                .containsEntry(Scrape.key("pilotd_queue_backoff", "queue", "b", "reason", "refused"), 1.0)
                .containsEntry(Scrape.key("pilotd_queue_backoff", "queue", "a", "reason", ""), 0.0)
                .containsEntry(Scrape.key("pilotd_queue_last_decision", "queue", "a", "decided_by", "demand"), 1.0)
                .containsEntry(Scrape.key("pilotd_queue_max_running", "queue", "a"), 1000.0)
                .containsKey(Scrape.key("pilotd_db_pool_connections", "state", "active"))
                .containsKey("jvm_memory_used_bytes{area=\"heap\"}");
        assertThat(samples.get(Scrape.key("pilotd_driver_call_duration_seconds_count", "driver", "fake", "call", "submit")))
                .isEqualTo(2.0);
        assertThat(samples.get(Scrape.key("pilotd_proxy_seconds_left", "queue", "a")))
                .isBetween((double) Duration.ofHours(11).toSeconds(), (double) Duration.ofHours(12).toSeconds());
        // The live pilots, exactly as the database has them.
        new StatusStore(db.jdbi()).livePilots().forEach((queue, byStatus) -> byStatus.forEach((status, count) ->
                assertThat(samples).containsEntry(Scrape.key("pilotd_pilots", "queue", queue, "status", status),
                        (double) count)));
        assertThat(samples.keySet()).filteredOn(k -> k.startsWith("pilotd_pilots{")).hasSize(1);
    }

    @Test
    void whatEachQueuesPilotsDidAndCostInTheLastDayIsExported() throws Exception {
        // two pilots ran an hour and took no job; one took two; the queue's price, 0.25 a pilot-hour
        new SeededPilots(db).add(3, "a", Duration.ofHours(2), Duration.ofHours(1), "", "Submitted", "Running", "Done");
        db.jdbi().useHandle(h -> {
            h.execute("update pilot set jobs = 2 where id = (select min(id) from pilot where queue = 'a' and jobs is not null)");
            h.execute("update queue set price_per_pilot_hour = 0.25 where name = 'a'");
        });

        Map<String, Double> samples = Scrape.get(port, "/metrics").samples();

        assertThat(samples).containsEntry(Scrape.key("pilotd_queue_pilots_ended_24h", "queue", "a"), 3.0)
                .containsEntry(Scrape.key("pilotd_queue_empty_pilots_24h", "queue", "a"), 2.0)
                .containsEntry(Scrape.key("pilotd_queue_jobs_per_pilot_24h", "queue", "a"), 0.67)
                .containsEntry(Scrape.key("pilotd_queue_pilot_time_seconds", "queue", "a"), 3.0 * 3600)
                .containsEntry(Scrape.key("pilotd_queue_cost_24h", "queue", "a"), 0.75)
                .containsEntry(Scrape.key("pilotd_queue_empty_cost_24h", "queue", "a"), 0.5)
                .doesNotContainKey(Scrape.key("pilotd_queue_cost_24h", "queue", "b"));
    }

    @Test
    void diracsGaugesAppearWithDiracsDemandAndTheMirror() throws Exception {
        assertThat(Scrape.get(port, "/metrics").samples().keySet()).noneMatch(k -> k.startsWith("pilotd_dirac_"));

        db.jdbi().useHandle(h -> {
            h.execute("update demand_source set refreshed_at = '2026-12-01T10:00:00Z', mirror = true");
            h.execute("insert into pilot_agents_outbox (pilot_id) select id from pilot order by id limit 2");
        });

        assertThat(Scrape.get(port, "/metrics").samples())
                .containsEntry(Scrape.key("pilotd_dirac_taskqueuedb_read_timestamp_seconds"), 1_796_119_200.0)
                .containsEntry(Scrape.key("pilotd_dirac_pilotagents_pending"), 2.0);
    }

    @Test
    void theDirectorThatHoldsEachClusterDutyIsShownByEveryDirectorsMetrics() throws Exception {
        assertThat(Scrape.get(port, "/metrics").samples().keySet()).noneMatch(k -> k.contains("pilotagents-mirror"));
        try (ClusterDuties another = new ClusterDuties(db.jdbi(), "director-b")) {
            assertThat(another.hold(ClusterDuties.Duty.PILOT_AGENTS_MIRROR)).isTrue();
            assertThat(Scrape.get(port, "/metrics").samples()).containsEntry(
                    Scrape.key("pilotd_cluster_duty", "director", "director-b", "duty", "pilotagents-mirror"), 1.0);
        }
        assertThat(Scrape.get(port, "/metrics").samples().keySet()).as("given up with its session")
                .noneMatch(k -> k.contains("pilotagents-mirror"));
    }

    @Test
    void everyMetricTheGrafanaDashboardQueriesIsServed() throws Exception {
        // what the pilots did and cost is served for queues whose pilots ended, at a price
        new SeededPilots(db).add(1, "a", Duration.ofHours(2), Duration.ofHours(1), "", "Submitted", "Running", "Done");
        db.jdbi().useHandle(h -> h.execute("update queue set price_per_pilot_hour = 0.25 where name = 'a'"));
        Set<String> families = new HashSet<>();
        Matcher type = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(Scrape.get(port, "/metrics").body());
        while (type.find()) {
            families.add(type.group(1));
        }
        Matcher queried = Pattern.compile("pilotd_[a-z0-9_]+").matcher(Files.readString(Path.of("../etc/grafana-dashboard.json")));
        Set<String> names = new HashSet<>();
        while (queried.find()) {
            names.add(queried.group());
        }
        assertThat(names).hasSizeGreaterThan(10);
        for (String name : names) {
            assertThat(families.contains(name) || families.contains(name.replaceAll("_(bucket|count|sum)$", "")))
                    .as("the dashboard queries %s, which /metrics serves", name).isTrue();
        }
    }

    @Test
    void promtoolAcceptsTheMetrics() throws Exception {
        ExternalTool.assumeInstalled("promtool");
        Path page = Files.writeString(dataDir.resolve("metrics.txt"), Scrape.get(port, "/metrics").body());
        ExternalTool.Result check = ExternalTool.run("sh", "-c", "promtool check metrics < " + page);
        assertThat(check.exitCode()).as(check.output()).isZero();
    }

    @Test
    void healthzIsWellWhileEveryQueueCycles() throws Exception {
        Scrape health = Scrape.get(port, "/healthz");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body()).contains("\"healthy\" : true").contains("\"database\" : \"ok\"")
                .contains("\"a\" : {").contains("\"stale\" : false");
        assertThat(Scrape.get(port, "/nosuch").status()).isEqualTo(404);
    }
}
