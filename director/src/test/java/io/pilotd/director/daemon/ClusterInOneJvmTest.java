package io.pilotd.director.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.DemandSettings;
import io.pilotd.director.config.DiracSettings;
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
import io.pilotd.director.testing.Slow;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.fakes.FakeDirac;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three clustered directors in one JVM on one database, as on three hosts (each with a Quartz
 * scheduler of its own), with DIRAC's TaskQueueDB as their demand and its PilotAgents table
 * mirrored: each cluster duty (the history's retention, the DIRAC poll, the PilotAgents mirror)
 * is held by exactly one of them whenever it is sampled, and taken by another when its holder
 * stops; the queues keep cycling, each by one director at a time.
 */
@Slow
class ClusterInOneJvmTest {
    /** Each duty's period: retention.every, demand.poll, dirac.mirrorEvery. */
    private static final Duration PERIOD = Duration.ofSeconds(1);
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

    private static PilotdConfig config(String id, List<QueueConfig> queues, DiracSettings.Connection dirac) {
        PilotdConfig c = Daemons.config(id, true, 2, queues);
        DirectorSettings d = c.director();
        return new PilotdConfig(new DirectorSettings(d.id(), d.dataDir(), d.metricsPort(), d.metricsAddress(), true,
                d.threads(), d.shutdownGrace(), d.sweepEvery(), d.maxSubmitCount(),
                new RetentionSettings(null, null, null, null, PERIOD)), c.database(), c.proxy(), c.pilot(),
                c.sites(), c.queues(), new DemandSettings(DemandSettings.DIRAC, PERIOD, true, PERIOD),
                new DiracSettings(dirac, dirac, PERIOD, null), null);
    }

    /** Who holds each duty now, by duty; a duty no director holds is not in it. */
    private Map<String, String> holders() {
        Map<String, String> holders = new TreeMap<>();
        ClusterDuties.holders(db.jdbi()).forEach(h -> assertThat(holders.put(h.duty(), h.directorId()))
                .as("another holder of %s", h.duty()).isNull());
        return holders;
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
    void eachClusterDutyIsOnExactlyOneDirectorAndTakenOverWhenItsHolderStops() throws Exception {
        FakeDirac fake = FakeDirac.fresh();
        DiracSettings.Connection dirac = new DiracSettings.Connection(fake.url(), FakeDirac.USER, null, null);
        List<QueueConfig> queues = IntStream.range(0, 6)
                .mapToObj(i -> Daemons.queue("q" + i, Duration.ofSeconds(1), Duration.ZERO, 1)).toList();
        Queues.sync(db, queues.toArray(QueueConfig[]::new));
        for (String id : List.of("a", "b", "c")) {
            directors.put(id, Director.start(config(id, queues, dirac), db, DriverCatalog.load(), dataDir.resolve(id)));
        }
        Set<String> duties = Arrays.stream(ClusterDuties.Duty.values()).map(ClusterDuties.Duty::label).collect(Collectors.toSet());

        Daemons.await("every duty held", DEADLINE, () -> holders().keySet().equals(duties));
        for (int sample = 0; sample < 20; sample++) {
            assertThat(holders()).as("sample %d: each duty's one holder is a running director", sample)
                    .containsOnlyKeys(duties).allSatisfy((duty, holder) -> assertThat(directors).containsKey(holder));
            Thread.sleep(PERIOD.toMillis() / 4);
        }

        Map<String, String> before = holders();
        String stoppedId = before.get(ClusterDuties.Duty.DIRAC_POLL.label());
        Instant stopped = Instant.now();
        directors.remove(stoppedId).close();
        Daemons.await("the duties of the stopped director held by the others", DEADLINE,
                () -> holders().keySet().equals(duties) && directors.keySet().containsAll(holders().values()));
        System.out.printf("ClusterInOneJvmTest: director %s, which held %s, stopped; %d ms later the duties are held by %s"
                        + " (period %d ms)%n", stoppedId, before, Duration.between(stopped, Instant.now()).toMillis(), holders(),
                PERIOD.toMillis());

        Instant after = Instant.now();
        Daemons.await("every queue cycles after the holder stopped", DEADLINE,
                () -> queues.stream().allMatch(q -> Daemons.cyclesSince(db, q.name(), after) >= 2));
        List<Cycle> cycles = cycles();
        List<String> overlaps = new ArrayList<>();
        for (int i = 1; i < cycles.size(); i++) {
            Cycle previous = cycles.get(i - 1);
            Cycle next = cycles.get(i);
            if (previous.queue().equals(next.queue()) && next.start().isBefore(previous.end())) {
                overlaps.add(previous + " and " + next);
            }
        }
        assertThat(overlaps).as("cycles of one queue at once").isEmpty();
    }
}
