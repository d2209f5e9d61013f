package io.pilotd.director.demand;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.DemandSettings;
import io.pilotd.director.config.DiracSettings;
import io.pilotd.director.config.Matching;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.dirac.DiracDatabase;
import io.pilotd.director.dirac.TaskQueueDbReader;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.QueueStore;
import io.pilotd.director.store.SharedDemand;
import io.pilotd.director.store.SiteStore;
import io.pilotd.director.testing.ManualTimer;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.fakes.FakeClock;
import io.pilotd.fakes.FakeDirac;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DIRAC's task queues, in a real MariaDB with DIRAC's table definitions, read into pilotd's
 * database and matched to its queues by DIRAC's rules: one task queue per rule, and the queues
 * each must (and must not) match.
 */
class DiracMatchingTest {
    private static final String VO = Queues.VO;

    private Database db;
    private FakeDirac dirac;
    private ClusterDuties duties;
    private DiracTaskQueueDB source;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        dirac = FakeDirac.fresh();
        new DemandStore(db.jdbi()).use(DemandSettings.DIRAC, false);
        Queues.sync(db,
                queue("plain", "S1.site.de", "ce1.s1", new Matching(VO, "EL9", List.of(), List.of(), List.of(), 1, 2048, 86_400L)),
                queue("big", "S1.site.de", "ce2.s1",
                        new Matching(VO, "EL9", List.of("GPU", "WholeNode"), List.of(), List.of(), 8, 16_384, 172_800L)),
                queue("gpuonly", "S2.site.de", "ce.s2", new Matching(VO, null, List.of("GPU"), List.of("GPU"), List.of(), 1, null, null)),
                queue("typed", "S2.site.de", "ce.s2b",
                        new Matching(VO, null, List.of(), List.of(), List.of(), 1, null, null, List.of("User"))));
        duties = new ClusterDuties(db.jdbi(), "director");
        source = new DiracTaskQueueDB(new TaskQueueDbReader(DiracDatabase.open("dirac.taskQueueDB",
                new DiracSettings.Connection(dirac.url(), FakeDirac.USER, null, null), true, Map.of())),
                new DemandStore(db.jdbi()), duties, List.of("plain", "big", "gpuonly", "typed"), DemandSettings.defaults(),
                Clock.systemUTC(), ManualTimer.idle());
    }

    @AfterEach
    void tearDown() {
        source.close();
        duties.close();
        db.close();
    }

    private static QueueConfig queue(String name, String site, String ce, Matching matching) {
        return new QueueConfig(name, site, ce, "default", "fake", true, Duration.ofMinutes(1), null,
                new QueueLimits(100, 100, 100, Duration.ofHours(1), null, null, null), matching, Map.of());
    }

    private long tq(Map<String, List<String>> lists) throws Exception {
        return dirac.addTaskQueue(VO, "vo_user", 3600, true, lists, 2);
    }

    /** Which queues each task queue matches now, in pilotd's database. */
    private Map<Long, Set<String>> matches() {
        Map<Long, Set<String>> matches = new TreeMap<>();
        db.jdbi().useHandle(h -> h.createQuery("select tq_id, queue from queue_task_queue_match")
                .map((rs, ctx) -> matches.computeIfAbsent(rs.getLong("tq_id"), k -> new TreeSet<>()).add(rs.getString("queue")))
                .list());
        return matches;
    }

    @Test
    void eachOfDiracsRulesMatchesTheQueuesItShould() throws Exception {
        Map<Long, Set<String>> expected = new LinkedHashMap<>();
        // gpuonly requires the tag GPU: only task queues that carry it reach it
        expected.put(tq(Map.of()), Set.of("plain", "big", "typed"));
        expected.put(tq(Map.of("Sites", List.of("S1.site.de"))), Set.of("plain", "big"));
        expected.put(tq(Map.of("Sites", List.of("ANY"))), Set.of("plain", "big", "typed"));
        expected.put(tq(Map.of("BannedSites", List.of("S1.site.de"))), Set.of("typed"));
        expected.put(tq(Map.of("Tags", List.of("GPU"))), Set.of("big", "gpuonly"));
        // DIRAC's derived tags: 8 processors offer MultiProcessor and 2..8Processors, 16384 MB offer 2..16GB
        expected.put(tq(Map.of("Tags", List.of("MultiProcessor", "4Processors"))), Set.of("big"));
        expected.put(tq(Map.of("Tags", List.of("8GB"))), Set.of("big"));
        expected.put(tq(Map.of("Tags", List.of("2GB"))), Set.of("plain", "big"));
        expected.put(tq(Map.of("Tags", List.of("WholeNode"))), Set.of("big"));
        expected.put(tq(Map.of("Tags", List.of("any"))), Set.of("plain", "big", "typed"));
        // a queue without a platform takes any platform
        expected.put(tq(Map.of("Platforms", List.of("EL7"))), Set.of("typed"));
        expected.put(tq(Map.of("Platforms", List.of("EL9", "EL7"))), Set.of("plain", "big", "typed"));
        expected.put(tq(Map.of("Platforms", List.of("Any"))), Set.of("plain", "big", "typed"));
        expected.put(tq(Map.of("GridCEs", List.of("ce2.s1"))), Set.of("big"));
        // a queue without job types takes any
        expected.put(tq(Map.of("JobTypes", List.of("User"))), Set.of("plain", "big", "typed"));
        expected.put(tq(Map.of("JobTypes", List.of("Sam"))), Set.of("plain", "big"));
        expected.put(tq(Map.of("Tags", List.of("GPU"), "Sites", List.of("S2.site.de"))), Set.of("gpuonly"));
        // CPU time: plain offers a day, big two, the others any
        expected.put(dirac.addTaskQueue(VO, "vo_user", 100_000, true, Map.of(), 2), Set.of("big", "typed"));
        expected.put(dirac.addTaskQueue("othervo", "other_user", 3600, true, Map.of(), 2), Set.of());
        // disabled: DIRAC's matching does not look (insertJob disables a task queue while it inserts)
        expected.put(dirac.addTaskQueue(VO, "vo_user", 3600, false, Map.of(), 2), Set.of("plain", "big", "typed"));
        long empty = dirac.addTaskQueue(VO, "vo_user", 3600, true, Map.of(), 0);

        Set<Long> grown = read(source);

        Map<Long, Set<String>> wanted = new TreeMap<>();
        expected.forEach((tq, queues) -> {
            if (!queues.isEmpty()) {
                wanted.put(tq, queues);
            }
        });
        assertThat(matches()).isEqualTo(wanted);
        assertThat(grown).as("every task queue with jobs is new at the first read, enabled or not")
                .hasSize(expected.size()).doesNotContain(empty);
    }

    @Test
    void aQueueGivenAnOsOffersTheDiracPlatformDiracWouldGiveItAndTakesTheJobsOfThatPlatform() throws Exception {
        // as a job asking for EL9 has every platform compatible with it in its task queue's Platforms (JobDBUtils)
        long el9 = tq(Map.of("Platforms", List.of("Linux_x86_64_glibc-2.34")));
        long el7 = tq(Map.of("Platforms", List.of("Linux_x86_64_glibc-2.17")));
        Map<String, List<String>> cs = new LinkedHashMap<>();
        cs.put("Linux_x86_64_glibc-2.17", List.of("x86_64_EL7"));
        cs.put("Linux_x86_64_glibc-2.34", List.of("x86_64_EL9", "x86_64_EL8"));
        new QueueStore(db.jdbi()).sync(List.of(queue("byos", "S3.site.de", "ce.s3",
                new Matching(VO, null, null, null, null, 1, null, 86_400L, null, "EL8", null))), cs, false);
        new SiteStore(db.jdbi()).sync(Map.of("S3.site.de", SiteConfig.uncapped()), false);

        read(source);

        String platform = db.jdbi().withHandle(h -> h.createQuery("select platform from queue where name = 'byos'")
                .mapTo(String.class).one());
        assertThat(platform).isEqualTo("Linux_x86_64_glibc-2.34");
        assertThat(matches().get(el9)).contains("byos");
        assertThat(matches().get(el7)).doesNotContain("byos");
    }

    @Test
    void demandCountsDiracsWaitingJobsWithTheirCores() throws Exception {
        dirac.addTaskQueue(VO, "vo_user", 3600, true, Map.of("Tags", List.of("MultiProcessor", "4Processors"), "GridCEs", List.of("ce2.s1")), 6);
        dirac.addTaskQueue(VO, "vo_user", 3600, true, Map.of("Tags", List.of("WholeNode")), 3);
        read(source);

        SharedDemand.Demand big = new SharedDemand(db.jdbi()).of(List.of("big")).get("big");
        // six 4-core jobs on 8-core pilots: 3 pilots; three whole-node jobs: a pilot each
        assertThat(big.waitingJobs()).isEqualTo(9);
        assertThat(big.pilotsNeeded()).isEqualTo(6);
    }

    @Test
    void aReadWritesOnlyWhatChangedAndSaysWhichTaskQueuesGrew() throws Exception {
        long a = tq(Map.of());
        long b = tq(Map.of("Sites", List.of("S1.site.de")));
        assertThat(read(source)).containsExactlyInAnyOrder(a, b);
        assertThat(read(source)).as("nothing new").isEmpty();

        dirac.addJobs(b, 5);
        dirac("DELETE FROM tq_Jobs WHERE TQId = " + a);
        assertThat(read(source)).containsExactly(b);
        assertThat(waiting()).as("a task queue without jobs is gone").isEqualTo(Map.of(b, 7));
    }

    @Test
    void withPilotdsOwnSourceDiracsTaskQueuesWeighNothing() throws Exception {
        tq(Map.of());
        read(source);
        assertThat(matches()).isNotEmpty();

        new DemandStore(db.jdbi()).use(DemandSettings.PILOTD, false);

        assertThat(matches()).isEmpty();
        int kept = db.jdbi().withHandle(h -> h.createQuery("select count(*) from dirac_task_queue").mapTo(Integer.class).one());
        assertThat(kept).isZero();
    }

    @Test
    void anUnreadableTaskQueueDBKeepsTheLastPictureThenCountsItsJobsAsNone() throws Exception {
        FakeClock clock = new FakeClock();
        try (DiracTaskQueueDB watched = watching(clock)) {
            long tq = tq(Map.of());
            read(watched);
            dirac("RENAME TABLE tq_Jobs TO tq_Jobs_away");

            clock.advance(Duration.ofMinutes(1));
            assertThat(watched.tick()).isEmpty();
            assertThat(waiting()).as("a failed read is no empty answer").isEqualTo(Map.of(tq, 2));
            assertThat(watched.tick()).as("a poller that failed stands aside for a period, for another director").isEmpty();
            assertThat(ClusterDuties.holders(db.jdbi())).as("the poll handed over").isEmpty();

            clock.advance(Duration.ofMinutes(2));
            assertThat(watched.tick()).isEmpty();
            assertThat(waiting()).as("unread for longer than 10 polls and 2 min: no job is trusted").isEqualTo(Map.of(tq, 0));
            assertThat(new SharedDemand(db.jdbi()).of(List.of("plain")).get("plain").pilotsNeeded()).isZero();

            dirac("RENAME TABLE tq_Jobs_away TO tq_Jobs");
            assertThat(watched.tick()).as("standing aside after its failed read").isEmpty();
            assertThat(read(watched)).as("read again: its jobs are back, and wake their queues").containsExactly(tq);
            assertThat(waiting()).isEqualTo(Map.of(tq, 2));
        }
    }

    @Test
    void aRestartOnAnUnreadableTaskQueueDBTrustsThePictureForWhatIsLeftOfItsTimeOnly() throws Exception {
        FakeClock clock = new FakeClock();
        long tq = tq(Map.of());
        try (DiracTaskQueueDB before = watching(clock)) {
            read(before);
        }
        dirac("RENAME TABLE tq_Jobs TO tq_Jobs_away");
        clock.advance(Duration.ofMinutes(3));

        try (DiracTaskQueueDB restarted = watching(clock)) {
            assertThat(restarted.tick()).isEmpty();
            assertThat(waiting()).as("the picture left before the restart is 3 minutes old").isEqualTo(Map.of(tq, 0));
        }
    }

    private DiracTaskQueueDB watching(FakeClock clock) {
        return new DiracTaskQueueDB(new TaskQueueDbReader(DiracDatabase.open("dirac.taskQueueDB",
                new DiracSettings.Connection(dirac.url(), FakeDirac.USER, null, null), true, Map.of())),
                new DemandStore(db.jdbi()), duties, List.of("plain"), DemandSettings.defaults(), clock,
                ManualTimer.idle());
    }

    /** One period of a director that holds the poll, and reads DIRAC. */
    private static Set<Long> read(DiracTaskQueueDB source) {
        return source.tick().orElseThrow(() -> new AssertionError("DIRAC was not read"));
    }

    private void dirac(String sql) throws Exception {
        try (var c = dirac.connect(); var s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Waiting jobs per DIRAC task queue, in pilotd's database. */
    private Map<Long, Integer> waiting() {
        Map<Long, Integer> waiting = new HashMap<>();
        db.jdbi().useHandle(h -> h.createQuery("select tq_id, jobs from dirac_task_queue")
                .map((rs, ctx) -> waiting.put(rs.getLong(1), rs.getInt(2))).list());
        return waiting;
    }
}
