package io.pilotd.director.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.Database;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.FakeDriverFactory;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.Slow;
import io.pilotd.director.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A queue behind a slow cloud does not hold the director's threads: with one thread, the quick
 * queues go on cycling while the slow one's cycle waits on its cloud, and after a restart too.
 */
@Slow
class CycleLanesTest {
    private Database db;

    @TempDir
    Path dataDir;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        FakeDriverFactory.reset();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void quickQueuesCycleWhileASlowQueuesCycleWaitsOnItsCloud() throws Exception {
        // Each slow cycle submits one pilot and follows it: two calls of 2.5 s, far above CycleLanes.SLOW.
        PilotdConfig config = Daemons.config("lane-test", false, 1, List.of(
                Daemons.queue("slow", Duration.ofSeconds(1), Duration.ofMillis(2_500), 1),
                Daemons.queue("quick1", Duration.ofSeconds(1), Duration.ZERO, 1),
                Daemons.queue("quick2", Duration.ofSeconds(1), Duration.ZERO, 1)));
        Queues.sync(db, config.queues().toArray(QueueConfig[]::new));
        Queues.demand(db, "slow", 1_000);

        try (Director director = Director.start(config, db, DriverCatalog.load(), dataDir)) {
            // its first cycle ran beside the quick ones and marked it slow; its third runs apart
            Daemons.await("three cycles of the slow queue", Duration.ofMinutes(2), () -> Daemons.cycles(db, "slow") >= 3);
        }

        assertQuickQueuesCycledDuring(slowCycle(2));

        // A restart: the slow queue's last cycle was slow, so its first runs apart at once.
        int before = Daemons.cycles(db, "slow");
        try (Director director = Director.start(config, db, DriverCatalog.load(), dataDir)) {
            Daemons.await("the slow queue's first cycle after the restart", Duration.ofMinutes(2),
                    () -> Daemons.cycles(db, "slow") > before);
        }
        assertQuickQueuesCycledDuring(slowCycle(before));
    }

    /** The start and end of the slow queue's n-th cycle, from 0. */
    private Timestamp[] slowCycle(int n) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "select started_at, ended_at from director_cycle where queue = 'slow' order by started_at offset :n limit 1")
                .bind("n", n).map((rs, ctx) -> new Timestamp[] {rs.getTimestamp(1), rs.getTimestamp(2)}).one());
    }

    private void assertQuickQueuesCycledDuring(Timestamp[] slow) {
        for (String quick : List.of("quick1", "quick2")) {
            int during = db.jdbi().withHandle(h -> h.createQuery("""
                            select count(*) from director_cycle where queue = :q and started_at between :from and :to""")
                    .bind("q", quick).bind("from", slow[0]).bind("to", slow[1]).mapTo(Integer.class).one());
            assertThat(during).as("cycles of %s during the slow queue's cycle (%s to %s)", quick, slow[0], slow[1])
                    .isGreaterThanOrEqualTo(2);
        }
    }
}
