package io.pilotd.director.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.DirectorSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.RetentionSettings;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.Database;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.FakeDriverFactory;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three clustered directors in one JVM on one database, as on three hosts (each with a Quartz
 * scheduler of its own): the history's retention, a cluster duty, is held by exactly one of them
 * whenever it is sampled, and taken by another when its holder stops; the queues keep cycling,
 * each by one director at a time.
 */
class ClusterInOneJvmTest {
    private static final Duration RETENTION_EVERY = Duration.ofSeconds(1);
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    @TempDir
    Path dataDir;
    private Database db;
    private final Map<String, Director> directors = new LinkedHashMap<>();

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        FakeDriverFactory.reset();
    }

    @AfterEach
    void tearDown() {
        directors.values().forEach(Director::close);
        db.close();
    }

    private static PilotdConfig config(String id, List<QueueConfig> queues) {
        PilotdConfig c = Daemons.config(id, true, 2, queues);
        DirectorSettings d = c.director();
        return new PilotdConfig(new DirectorSettings(d.id(), d.dataDir(), d.metricsPort(), d.metricsAddress(), true,
                d.threads(), d.shutdownGrace(), d.sweepEvery(), d.maxSubmitCount(),
                new RetentionSettings(null, null, null, null, RETENTION_EVERY)), c.database(), c.proxy(), c.pilot(),
                c.sites(), c.queues());
    }

    private Optional<String> retentionHolder() {
        List<ClusterDuties.Holder> holders = ClusterDuties.holders(db.jdbi()).stream()
                .filter(h -> h.duty().equals(ClusterDuties.Duty.RETENTION.label())).toList();
        assertThat(holders).as("holders of the retention duty").hasSizeLessThanOrEqualTo(1);
        return holders.stream().map(ClusterDuties.Holder::directorId).findFirst();
    }

    private record Cycle(String queue, String director, Instant start, Instant end) {
    }

    private List<Cycle> cycles() {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "select queue, director_id, started_at, ended_at from director_cycle order by queue, started_at")
                .map((rs, ctx) -> new Cycle(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getTimestamp(4).toInstant())).list());
    }

    @Test
    void theRetentionDutyIsOnExactlyOneDirectorAndTakenOverWhenItsHolderStops() throws Exception {
        List<QueueConfig> queues = IntStream.range(0, 6)
                .mapToObj(i -> Daemons.queue("q" + i, Duration.ofSeconds(1), Duration.ZERO, 1)).toList();
        Queues.sync(db, queues.toArray(QueueConfig[]::new));
        queues.forEach(q -> Queues.demand(db, q.name(), 1_000));
        for (String id : List.of("a", "b", "c")) {
            directors.put(id, Director.start(config(id, queues), db, DriverCatalog.load(), dataDir.resolve(id)));
        }

        Daemons.await("a director holds the retention duty", DEADLINE, () -> retentionHolder().isPresent());
        for (int sample = 0; sample < 20; sample++) {
            assertThat(retentionHolder()).as("sample %d: the one holder is a running director", sample)
                    .hasValueSatisfying(holder -> assertThat(directors).containsKey(holder));
            Thread.sleep(RETENTION_EVERY.toMillis() / 4);
        }

        String first = retentionHolder().orElseThrow();
        Instant stopped = Instant.now();
        directors.remove(first).close();
        Daemons.await("another director takes the retention duty", DEADLINE,
                () -> retentionHolder().filter(directors::containsKey).isPresent());
        System.out.printf("ClusterInOneJvmTest: director %s stopped; %s took the retention duty %d ms later (period %d ms)%n",
                first, retentionHolder().orElseThrow(), Duration.between(stopped, Instant.now()).toMillis(),
                RETENTION_EVERY.toMillis());

        Instant after = Instant.now();
        Daemons.await("every queue cycles after the holder stopped", DEADLINE,
                () -> queues.stream().allMatch(q -> Daemons.cyclesSince(db, q.name(), after) >= 2));
        List<Cycle> cycles = cycles();
        List<String> overlaps = new ArrayList<>();
        for (int i = 1; i < cycles.size(); i++) {
            Cycle before = cycles.get(i - 1);
            Cycle next = cycles.get(i);
            if (before.queue().equals(next.queue()) && next.start().isBefore(before.end())) {
                overlaps.add(before + " and " + next);
            }
        }
        assertThat(overlaps).as("cycles of one queue at once").isEmpty();
    }
}
