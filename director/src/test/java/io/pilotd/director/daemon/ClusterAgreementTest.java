package io.pilotd.director.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilotd.director.config.ClusterSettings;
import io.pilotd.director.config.DemandSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.Database;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.FakeDriverFactory;
import io.pilotd.director.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A director that joins a running cluster with another config: refused, every difference named,
 * nothing written; one with the cluster's config joins.
 */
class ClusterAgreementTest {
    private static final List<String> TABLES = List.of("queue", "site", "cluster_setting", "demand_source",
            "director_instance", "driver_setup");

    @TempDir
    Path dataDir;
    private Database db;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        FakeDriverFactory.reset();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static List<QueueConfig> queues(int maxRunning) {
        return List.of(Daemons.withMaxRunning(Daemons.queue("q0", Duration.ofMinutes(1), Duration.ZERO, 1), maxRunning),
                Daemons.queue("q1", Duration.ofMinutes(1), Duration.ZERO, 1));
    }

    private static PilotdConfig config(String id, List<QueueConfig> queues, String demand) {
        PilotdConfig c = Daemons.config(id, true, 2, queues);
        return new PilotdConfig(c.director(), c.database(), c.proxy(), c.pilot(), c.sites(), c.queues(),
                new DemandSettings(demand, null, null, null), c.dirac(), c.endpoint());
    }

    /** Every row of the tables a director's start writes, as text. */
    private List<String> written() {
        return db.jdbi().withHandle(h -> TABLES.stream()
                .flatMap(t -> h.createQuery("select t::text from " + t + " t order by 1").mapTo(String.class).list().stream()
                        .map(row -> t + " " + row))
                .toList());
    }

    @Test
    void aDirectorWithAnotherLimitOrDemandSourceIsRefusedWithTheDifferenceAndWritesNothing() throws Exception {
        try (Director a = Director.start(config("a", queues(1000), "pilotd"), db, DriverCatalog.load(), dataDir.resolve("a"));
             Director b = Director.start(config("b", queues(1000), "pilotd"), db, DriverCatalog.load(), dataDir.resolve("b"))) {
            assertThat(List.of(a.id(), b.id())).as("the same config: both run").containsExactly("a", "b");
            List<String> before = written();
            assertThat(before).as("the cluster's settings").anyMatch(row -> row.contains("queues[q0].limits.maxRunning"));

            assertThatThrownBy(() -> Director.start(config("d", queues(50), "pilotd"), db, DriverCatalog.load(),
                    dataDir.resolve("d")))
                    .isInstanceOf(ClusterSettings.DisagreementException.class)
                    .hasMessageContaining("director d is refused: its config differs from the cluster's, which [a, b] run with")
                    .hasMessageContaining("queues[q0].limits.maxRunning: 50 in this file, 1000 in the cluster's");
            assertThatThrownBy(() -> Director.start(config("e", queues(1000), "dirac"), db, DriverCatalog.load(),
                    dataDir.resolve("e")))
                    .isInstanceOf(ClusterSettings.DisagreementException.class)
                    .hasMessageContaining("demand.source: dirac in this file, pilotd in the cluster's")
                    .hasMessageNotContaining("maxRunning");
            assertThat(written()).as("what the refused directors wrote").isEqualTo(before);
        }
        // alone, a director's file is the cluster's
        try (Director d = Director.start(config("d", queues(50), "pilotd"), db, DriverCatalog.load(), dataDir.resolve("d"))) {
            assertThat(written()).anyMatch(row -> row.startsWith("cluster_setting (queues[q0].limits.maxRunning,50)"));
        }
    }
}
