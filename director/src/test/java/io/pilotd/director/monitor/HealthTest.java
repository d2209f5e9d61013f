package io.pilotd.director.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.DatabaseSettings;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.StatusStore;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.fakes.FakeClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When the director is not well: a queue no cycle has run for, a database that does not answer. */
class HealthTest {
    private Database db;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        Queues.sync(db, Queues.queue("a", 1, 1, 1), Queues.queue("b", 1, 1, 1));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private void cycled(String queue, Instant at) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                        insert into director_cycle (queue, director_id, started_at, ended_at, demand, waiting, alive,
                                                    submitted, deciding_factor)
                        values (:queue, 'test', :at, :at, 0, 0, 0, 0, 'demand')""")
                .bind("queue", queue).bind("at", at).execute());
    }

    @Test
    void aQueueIsStaleOnceItHasNotCycledForTwoPeriodsAndAMinute() {
        // Queues.queue cycles every minute: stale after 3 minutes without a cycle.
        FakeClock clock = new FakeClock();
        Instant start = clock.instant();
        Health health = new Health(new StatusStore(db.jdbi()), clock);
        assertThat(health.check().healthy()).as("nothing is stale at start-up").isTrue();

        cycled("a", start.plus(Duration.ofMinutes(2)));
        clock.advance(Duration.ofMinutes(4));
        Health.Verdict verdict = health.check();
        assertThat(verdict.healthy()).isFalse();
        assertThat(verdict.queues()).isEqualTo(Map.of("a", new Health.QueueHealth(120L, false),
                "b", new Health.QueueHealth(null, true)));

        cycled("b", start.plus(Duration.ofMinutes(4)));
        assertThat(health.check().healthy()).isTrue();
    }

    @Test
    void aDatabaseThatDoesNotAnswerIsUnhealthyAndTheMetricsSaySo() throws Exception {
        Database gone = Database.open(new DatabaseSettings(TestDatabases.newDatabaseUrl(), "postgres", null, null, 2),
                Path.of("unused"), Map.of());
        gone.migrate();
        try (StatusServer server = StatusServer.start("127.0.0.1", 0, "health-test", gone, new DirectorMetrics(),
                PilotEnvironment.none("health-test"), List.of())) {
            assertThat(Scrape.get(server.port(), "/healthz").status()).isEqualTo(200);
            gone.close();

            Scrape health = Scrape.get(server.port(), "/healthz");
            assertThat(health.status()).isEqualTo(503);
            assertThat(health.body()).contains("\"healthy\" : false").contains("unreachable");
            Scrape metrics = Scrape.get(server.port(), "/metrics");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.samples()).containsEntry("pilotd_database_up", 0.0);
            assertThat(Scrape.get(server.port(), "/").status()).isEqualTo(200);
        }
    }
}
