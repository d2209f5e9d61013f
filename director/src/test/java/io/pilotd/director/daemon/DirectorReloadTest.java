package io.pilotd.director.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.DemandSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.QueueRow;
import io.pilotd.director.store.QueueStore;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.FakeDriverFactory;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.Slow;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.fakes.FakeCloud;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload under load: 200 queues cycling every 2 s; a config that adds 10 queues, lowers one's
 * limit and removes 5 applies without moving a cycle of the queues that stay, the new limit
 * binds from the next cycle, the removed queues' pilots are followed to their end; a reload
 * that changes what only a restart applies changes nothing.
 */
@Slow
class DirectorReloadTest {
    private static final Duration PERIOD = Duration.ofSeconds(2);
    private static final Duration DEADLINE = Duration.ofMinutes(3);

    @TempDir
    Path dataDir;
    private Database db;
    private Instant reloaded;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        FakeDriverFactory.reset();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static QueueConfig queue(int i, int maxRunning) {
        return Daemons.withMaxRunning(Daemons.queue(String.format("q%03d", i), PERIOD, Duration.ZERO, 1), maxRunning);
    }

    /** No wake-ups: every cycle here is one of its trigger's. */
    private static PilotdConfig config(int threads, List<QueueConfig> queues) {
        PilotdConfig c = Daemons.config("reload-test", false, threads, queues);
        return new PilotdConfig(c.director(), c.database(), c.proxy(), c.pilot(), c.sites(), c.queues(),
                new DemandSettings(DemandSettings.PILOTD, null, false, null), null, null);
    }

    /** A cycle, and when it was due (its trigger's scheduled fire time). */
    private record Cycle(String queue, Instant due, Instant start, int submitted, String decidedBy) {
    }

    private Map<String, List<Cycle>> cycles() {
        Map<String, List<Cycle>> byQueue = new HashMap<>();
        db.jdbi().withHandle(h -> h.createQuery("""
                        select queue, started_at - lag_ms * interval '1 millisecond' as due, started_at, submitted,
                               deciding_factor
                        from director_cycle order by queue, started_at""")
                .map((rs, ctx) -> new Cycle(rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getTimestamp(3).toInstant(),
                        rs.getInt(4), rs.getString(5)))
                .list()).forEach(c -> byQueue.computeIfAbsent(c.queue(), q -> new ArrayList<>()).add(c));
        return byQueue;
    }

    private static long residue(Instant due) {
        return Math.floorMod(due.toEpochMilli(), PERIOD.toMillis());
    }

    @Test
    void aReloadUnderLoadAddsChangesAndRemovesQueuesWithoutMovingACycle() throws Exception {
        List<QueueConfig> before = IntStream.range(0, 200).mapToObj(i -> queue(i, 1000)).toList();
        Queues.sync(db, before.toArray(QueueConfig[]::new));
        IntStream.range(0, 210).forEach(i -> Queues.demand(db, String.format("q%03d", i), 1_000));
        List<QueueConfig> after = new ArrayList<>(IntStream.range(0, 195).mapToObj(i -> queue(i, i == 0 ? 1 : 1000)).toList());
        IntStream.range(200, 210).forEach(i -> after.add(queue(i, 1000)));

        try (Director director = Director.start(config(8, before), db, DriverCatalog.load(), dataDir)) {
            Daemons.await("every queue cycles three times", DEADLINE,
                    () -> before.stream().allMatch(q -> Daemons.cycles(db, q.name()) >= 3));

            assertThat(director.reload(config(9, after))).as("director.threads changes only with a restart").isFalse();
            assertThat(new QueueStore(db.jdbi()).configured()).as("nothing changed").hasSize(200).contains("q199")
                    .doesNotContain("q200");

            assertThat(director.reload(config(8, after))).isTrue();
            reloaded = Instant.now();
            Daemons.await("the new queues cycle, and every queue that stays twice more", DEADLINE,
                    () -> after.stream().allMatch(q -> Daemons.cyclesSince(db, q.name(), reloaded) >= 2));

            QueueRow q0 = new QueueStore(db.jdbi()).get("q000");
            assertThat(q0.maxRunning()).isEqualTo(1);
            List<Cycle> q0After = cycles().get("q000").stream().filter(c -> c.start().isAfter(reloaded)).toList();
            assertThat(q0After).as("q000's cycles after the reload: its new maxRunning binds")
                    .allSatisfy(c -> assertThat(c.submitted()).isZero())
                    .anySatisfy(c -> assertThat(c.decidedBy()).isEqualTo("maxRunning"));

            // the removed queues' pilots end: the retired set-ups' follow-up sees it
            for (int i = 195; i < 200; i++) {
                FakeCloud cloud = FakeDriverFactory.cloud(String.format("q%03d", i));
                cloud.resources().forEach(r -> cloud.set(r.jobRef(), PilotStatus.Done));
            }
            Daemons.await("the removed queues' pilots followed to their end", DEADLINE, () -> db.jdbi().withHandle(h ->
                    h.createQuery("select count(*) from pilot where queue in ('q195', 'q196', 'q197', 'q198', 'q199')"
                            + " and pilot_is_alive(status)").mapTo(Integer.class).one()) == 0);
            assertThat(new QueueStore(db.jdbi()).configured()).hasSize(205).doesNotContain("q195").contains("q209");
        }

        Map<String, List<Cycle>> cycles = cycles();
        List<String> moved = new ArrayList<>();
        List<String> doubled = new ArrayList<>();
        int late = 0;
        int checked = 0;
        for (QueueConfig q : after.subList(0, 195)) {
            List<Cycle> all = cycles.get(q.name());
            // the queue's phase: where in the period its trigger's cycles fell due before the reload
            // (all but the first cycle at start-up, which runs at once)
            Map<Long, Long> residues = all.stream().filter(c -> c.due().isBefore(reloaded))
                    .collect(Collectors.groupingBy(c -> residue(c.due()), Collectors.counting()));
            long phase = residues.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            Cycle previous = null;
            for (Cycle c : all) {
                if (c.due().isBefore(reloaded.minus(PERIOD))) {
                    continue;
                }
                long off = Math.abs(residue(c.due()) - phase);
                if (c.due().isAfter(reloaded) && Math.min(off, PERIOD.toMillis() - off) > 10) {
                    moved.add(c.toString());
                }
                if (previous != null && Duration.between(previous.due(), c.due()).compareTo(PERIOD.minusMillis(10)) < 0) {
                    doubled.add(previous + " and " + c);
                }
                if (previous != null) {
                    checked++;
                    // a gap of two periods or more: a fire whose cycle could not run (its queue still cycling)
                    late += Duration.between(previous.due(), c.due()).compareTo(PERIOD.multipliedBy(3).dividedBy(2)) > 0 ? 1 : 0;
                }
                previous = c;
            }
        }
        System.out.printf("DirectorReloadTest: %d consecutive cycles of the 195 queues that stay, from a period before the"
                + " reload: %d off their trigger's times, %d due less than a period apart, %d with a fire skipped between them%n",
                checked, moved.size(), doubled.size(), late);
        assertThat(moved).as("cycles of the queues that stay off their trigger's times").isEmpty();
        assertThat(doubled).as("cycles of one queue due less than a period apart").isEmpty();
    }
}
