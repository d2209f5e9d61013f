package io.pilotd.director.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.Database;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.FakeDriverFactory;
import io.pilotd.director.testing.Slow;
import io.pilotd.director.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1,000 queues (the scale DIRAC sites run at) on a 30 s cycle, a driver that answers at once, the
 * default four threads: every queue cycles at once at start-up and again within its period;
 * none is skipped. Counts only: how late the cycles ran is printed, never asserted (bench/run
 * measures the rounds).
 */
@Slow
class SchedulingAtScaleTest {
    private static final int QUEUES = 1_000;
    private static final Duration PERIOD = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void aThousandQueuesAllCycleAtOnceAndThenOnTheirPeriod() throws Exception {
        FakeDriverFactory.reset();
        List<QueueConfig> queues = new ArrayList<>();
        for (int i = 0; i < QUEUES; i++) {
            queues.add(Daemons.queue("scale" + i, PERIOD, Duration.ZERO, 1));
        }
        PilotdConfig config = Daemons.config("scale-test", false, 4, queues);
        try (Database db = TestDatabases.fresh()) {
            try (Director director = Director.start(config, db, DriverCatalog.load(), dataDir)) {
                // The first cycles at once; then every queue's periodic one falls due within a period.
                Daemons.await("every queue's first cycle", Duration.ofMinutes(3), () -> queuesWithCycles(db, 1) == QUEUES);
                Daemons.await("every queue's periodic cycle", PERIOD.multipliedBy(3), () -> queuesWithCycles(db, 2) == QUEUES);
            }
            Map<String, Object> lag = db.jdbi().withHandle(h -> h.createQuery("""
                            select count(*) as cycles, max(lag_ms) as max_lag, percentile_cont(0.99) within group
                                   (order by lag_ms) as p99_lag, extract(epoch from max(started_at) - min(started_at)) as span
                            from director_cycle""").mapToMap().one());
            int skipped = QUEUES - queuesWithCycles(db, 2);
            System.out.printf("%d queues, %s period, 4 threads: %s cycles over %.0f s, skipped %d, lag p99 %.0f ms, max %s ms%n",
                    QUEUES, PERIOD, lag.get("cycles"), ((Number) lag.get("span")).doubleValue(), skipped,
                    ((Number) lag.get("p99_lag")).doubleValue(), lag.get("max_lag"));
            assertThat(skipped).isZero();
        }
    }

    private static int queuesWithCycles(Database db, int atLeast) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "select count(*) from (select queue from director_cycle group by queue having count(*) >= :n) q")
                .bind("n", atLeast).mapTo(Integer.class).one());
    }
}
