package io.pilotd.director.demand;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.DemandSettings;
import io.pilotd.director.config.DiracSettings;
import io.pilotd.director.config.Matching;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.dirac.DiracDatabase;
import io.pilotd.director.dirac.TaskQueueDbReader;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.Database;
import io.pilotd.director.testing.ManualTimer;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.fakes.FakeDirac;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * pilotd's matching of DIRAC's task queues against an oracle written from DIRAC's source
 * ({@link DiracMatcherOracle}): for every queue, the task queues pilotd matches (read from a real
 * MariaDB with DIRAC's tables, through pilotd's reader and its SQL) are those DIRAC's Matcher
 * would give the CE description the queue stands for. A generated population, then the cases
 * where pilotd once differed, by name.
 */
class DiracMatcherParityTest {
    private static final List<String> SITES = List.of("LCG.Cern.ch", "CLOUD.AWS.de", "LCG.Pic.es", "DIRAC.Local.fr");
    private static final List<String> CES = List.of("ce1.cern.ch", "ec2.eu-central-1", "ce.pic.es", "local");
    private static final List<String> TAGS = List.of("GPU", "WholeNode", "Fast", "MultiProcessor", "2Processors",
            "4Processors", "8Processors", "2GB", "4GB", "8GB", "16GB", "32GB");
    private static final List<String> PLATFORMS = List.of("EL9", "EL7", "x86_64-el9");
    private static final List<String> JOB_TYPES = List.of("User", "MCSimulation", "Merge");
    private static final List<String> GROUPS = List.of("lhcb_user", "lhcb_prod");
    private static final long[] CPU_SEGMENTS = {360, 1800, 3600, 21_600, 43_200, 86_400, 172_800, 259_200};

    private Database db;
    private FakeDirac dirac;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        dirac = FakeDirac.fresh();
        new DemandStore(db.jdbi()).use(DemandSettings.DIRAC, false);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** One value of a list, in the case a user may have written it: DIRAC ignores case. */
    private static String anyCase(Random random, String value) {
        return switch (random.nextInt(4)) {
            case 0 -> value.toLowerCase();
            case 1 -> value.toUpperCase();
            default -> value;
        };
    }

    private static List<String> some(Random random, List<String> pool, int most) {
        Set<String> picked = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        int n = random.nextInt(most + 1);
        while (picked.size() < n) {
            picked.add(anyCase(random, pool.get(random.nextInt(pool.size()))));
        }
        return new ArrayList<>(picked);
    }

    private static DiracMatcherOracle.Tq taskQueue(Random random) {
        Map<String, List<String>> lists = new LinkedHashMap<>();
        lists.put("Sites", random.nextInt(3) == 0 ? some(random, SITES, 2) : List.of());
        lists.put("BannedSites", random.nextInt(4) == 0 ? some(random, SITES, 1) : List.of());
        lists.put("GridCEs", random.nextInt(6) == 0 ? some(random, CES, 1) : List.of());
        lists.put("Platforms", random.nextInt(3) == 0 ? some(random, PLATFORMS, 2) : List.of());
        lists.put("JobTypes", random.nextInt(2) == 0 ? some(random, JOB_TYPES, 1) : List.of());
        lists.put("Tags", random.nextInt(2) == 0 ? some(random, TAGS, 2) : List.of());
        lists.values().removeIf(List::isEmpty);
        return new DiracMatcherOracle.Tq(0, GROUPS.get(random.nextInt(GROUPS.size())), random.nextInt(8) == 0 ? "othervo" : "lhcb",
                CPU_SEGMENTS[random.nextInt(CPU_SEGMENTS.length)], random.nextInt(4) != 0, lists);
    }

    private static DiracMatcherOracle.Ce ce(Random random, int i) {
        int site = random.nextInt(SITES.size());
        int processors = List.of(1, 1, 2, 4, 8).get(random.nextInt(5));
        Integer maxRam = List.of(2000, 4000, 8192, 16000, 32768).get(random.nextInt(5));
        List<String> tags = some(random, List.of("GPU", "WholeNode", "Fast"), 2);
        if (random.nextInt(12) == 0) {
            tags.add("Any");
        }
        DiracMatcherOracle.Ce draft = new DiracMatcherOracle.Ce("q" + i, anyCase(random, SITES.get(site)), CES.get(site),
                random.nextInt(3) == 0 ? null : anyCase(random, PLATFORMS.get(random.nextInt(PLATFORMS.size()))),
                random.nextInt(3) == 0 ? some(random, JOB_TYPES, 2) : List.of(), tags, List.of(), processors, maxRam,
                CPU_SEGMENTS[random.nextInt(CPU_SEGMENTS.length)], random.nextInt(3) == 0 ? some(random, GROUPS, 1) : List.of(),
                random.nextInt(6) == 0 ? null : anyCase(random, "lhcb"));
        // A required tag is one the queue offers (else DIRAC answers 'Wrong conditions', and the config refuses it).
        List<String> offered = new ArrayList<>(DiracMatcherOracle.resourceTags(draft));
        List<String> required = random.nextInt(5) == 0 && !offered.isEmpty()
                ? List.of(anyCase(random, offered.get(random.nextInt(offered.size())))) : List.of();
        return new DiracMatcherOracle.Ce(draft.name(), draft.site(), draft.gridCe(), draft.platform(), draft.jobTypes(),
                draft.tags(), required, draft.processors(), draft.maxRam(), draft.cpuTime(), draft.ownerGroups(), draft.vo());
    }

    private static QueueConfig queue(DiracMatcherOracle.Ce ce) {
        return new QueueConfig(ce.name(), ce.site(), ce.gridCe(), "default", "fake", true, Duration.ofMinutes(1), null,
                new QueueLimits(100, 100, 100, Duration.ofHours(1), null, null, null),
                new Matching(ce.vo(), ce.platform(), ce.tags(), ce.requiredTags(), ce.ownerGroups(), ce.processors(),
                        ce.maxRam(), ce.cpuTime(), ce.jobTypes()), Map.of());
    }

    /** The task queues in DIRAC's tables as its TaskQueueDB writes them, each with jobs; their ids set. */
    private List<DiracMatcherOracle.Tq> insert(List<DiracMatcherOracle.Tq> tqs) throws Exception {
        List<DiracMatcherOracle.Tq> inserted = new ArrayList<>();
        for (DiracMatcherOracle.Tq tq : tqs) {
            long id = dirac.addTaskQueue(tq.vo(), tq.ownerGroup(), tq.cpuTime(), tq.enabled(), tq.lists(), 1 + (int) (tq.cpuTime() % 3));
            inserted.add(new DiracMatcherOracle.Tq(id, tq.ownerGroup(), tq.vo(), tq.cpuTime(), tq.enabled(), tq.lists()));
        }
        return inserted;
    }

    /** queue -> the task queues pilotd matches to it, after one read of DIRAC's tables. */
    private Map<String, Set<Long>> pilotdMatches(List<DiracMatcherOracle.Ce> ces) throws Exception {
        List<QueueConfig> queues = ces.stream().map(DiracMatcherParityTest::queue).toList();
        Queues.sync(db, queues.toArray(QueueConfig[]::new));
        try (ClusterDuties duties = new ClusterDuties(db.jdbi(), "director");
             DiracTaskQueueDB source = new DiracTaskQueueDB(new TaskQueueDbReader(DiracDatabase.open("dirac.taskQueueDB",
                new DiracSettings.Connection(dirac.url(), FakeDirac.USER, null, null), true, Map.of())),
                new DemandStore(db.jdbi()), duties, queues.stream().map(QueueConfig::name).toList(), DemandSettings.defaults(),
                Clock.systemUTC(), ManualTimer.idle())) {
            source.tick().orElseThrow();
        }
        Map<String, Set<Long>> matches = new TreeMap<>();
        ces.forEach(ce -> matches.put(ce.name(), new TreeSet<>()));
        db.jdbi().useHandle(h -> h.createQuery("select queue, tq_id from queue_task_queue_match")
                .map((rs, ctx) -> matches.get(rs.getString("queue")).add(rs.getLong("tq_id"))).list());
        return matches;
    }

    private Map<String, Set<Long>> oracle(List<DiracMatcherOracle.Ce> ces, List<DiracMatcherOracle.Tq> tqs) {
        Map<String, Set<Long>> matches = new TreeMap<>();
        ces.forEach(ce -> matches.put(ce.name(), DiracMatcherOracle.match(ce, tqs)));
        return matches;
    }

    @Test
    void aGeneratedPopulationIsMatchedAsDiracsMatcherMatchesIt() throws Exception {
        Random random = new Random(33);
        List<DiracMatcherOracle.Tq> drafts = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            drafts.add(taskQueue(random));
        }
        List<DiracMatcherOracle.Tq> tqs = insert(drafts);
        List<DiracMatcherOracle.Ce> ces = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ces.add(ce(random, i));
        }

        Map<String, Set<Long>> expected = oracle(ces, tqs);
        assertThat(pilotdMatches(ces)).isEqualTo(expected);
        long pairs = expected.values().stream().mapToLong(Set::size).sum();
        assertThat(pairs).as("the population matches some pairs, not all").isBetween(40L, 150L * 40 / 2);
    }

    @Test
    void a16000MbQueueTakes16GbJobsAndNoQueueTakes1GbOnes_aFourThousandMbQueueTakes4GbJobs() throws Exception {
        DiracMatcherOracle.Ce big = new DiracMatcherOracle.Ce("ram16000", "LCG.Cern.ch", "ce1.cern.ch", null, List.of(),
                List.of(), List.of(), 4, 16_000, 86_400, List.of(), "lhcb");
        DiracMatcherOracle.Ce small = new DiracMatcherOracle.Ce("ram4000", "LCG.Cern.ch", "ce2.cern.ch", null, List.of(),
                List.of(), List.of(), 1, 4000, 86_400, List.of(), "lhcb");
        List<DiracMatcherOracle.Tq> tqs = insert(List.of(tq("16GB"), tq("1GB"), tq("4GB"), tq("1Processors"), tq("4Processors")));

        Map<String, Set<Long>> matched = pilotdMatches(List.of(big, small));

        assertThat(matched).isEqualTo(oracle(List.of(big, small), tqs));
        assertThat(matched.get("ram16000")).containsExactlyInAnyOrder(tqs.get(0).id(), tqs.get(2).id(), tqs.get(4).id());
        assertThat(matched.get("ram4000")).containsExactly(tqs.get(2).id());
    }

    @Test
    void gpuIsGPU_andASiteBannedInAnotherCaseIsBanned() throws Exception {
        DiracMatcherOracle.Ce gpu = new DiracMatcherOracle.Ce("gpu", "LCG.Cern.ch", "ce1.cern.ch", "EL9", List.of(),
                List.of("GPU"), List.of(), 1, 2000, 86_400, List.of(), "lhcb");
        List<DiracMatcherOracle.Tq> tqs = insert(List.of(tq("gpu"), tq("Gpu"),
                new DiracMatcherOracle.Tq(0, "lhcb_user", "lhcb", 3600, true, Map.of("BannedSites", List.of("lcg.cern.CH")))));

        Map<String, Set<Long>> matched = pilotdMatches(List.of(gpu));

        assertThat(matched.get("gpu")).containsExactlyInAnyOrder(tqs.get(0).id(), tqs.get(1).id());
        assertThat(matched).isEqualTo(oracle(List.of(gpu), tqs));
    }

    @Test
    void aTaskQueueDisabledWhileDiracInsertsAJobStillCountsItsJobs() throws Exception {
        DiracMatcherOracle.Ce plain = new DiracMatcherOracle.Ce("plain", "LCG.Cern.ch", "ce1.cern.ch", null, List.of(),
                List.of(), List.of(), 1, 2000, 86_400, List.of(), "lhcb");
        List<DiracMatcherOracle.Tq> tqs = insert(List.of(tq()));
        // TaskQueueDB.insertJob: __findAndDisableTaskQueue, the insert, then enabled again. A poll in between:
        try (Connection c = dirac.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE tq_TaskQueues SET Enabled = Enabled - 1 WHERE TQId = " + tqs.get(0).id());
        }

        assertThat(pilotdMatches(List.of(plain)).get("plain")).containsExactly(tqs.get(0).id());
        int waiting = db.jdbi().withHandle(h -> h.createQuery("select jobs from dirac_task_queue where tq_id = :id")
                .bind("id", tqs.get(0).id()).mapTo(Integer.class).one());
        assertThat(waiting).as("its jobs, read while it was disabled").isPositive();
    }

    /**
     * The facts of DIRAC's own TaskQueueDB tests (tests/Integration/WorkloadManagementSystem/
     * Test_TaskQueueDB.py, test_chainWithPlatforms and test_chainWithTags) that a queue of one
     * platform can state: jobs of CPUTime 5000 (fitted to DIRAC's 21600 s segment) matched with
     * CPUTime 50000.
     */
    @Test
    void diracsOwnTaskQueueDbTestsGiveTheSameMatches() throws Exception {
        List<DiracMatcherOracle.Tq> platforms = insert(List.of(platforms("centos7"), platforms("ubuntu"),
                platforms("centos7", "slc6"), platforms("debian", "ubuntu"), platforms()));
        List<DiracMatcherOracle.Tq> tags = insert(List.of(tagged("MultiProcessor"), tagged("SingleProcessor"),
                tagged("SingleProcessor", "MultiProcessor"), tagged("MultiProcessor", "GPU")));
        List<DiracMatcherOracle.Ce> ces = List.of(platform("centos7"), platform("ubuntu"), platform("slc6"), platform("slc5"),
                new DiracMatcherOracle.Ce("multi", "DIRAC.Test.ch", "ce.test.ch", "linux", List.of(),
                        List.of("MultiProcessor"), List.of(), 1, null, 50_000, List.of(), "lhcb"));

        Map<String, Set<Long>> matched = pilotdMatches(ces);

        long noPlatform = platforms.get(4).id();
        assertThat(matched.get("centos7")).containsExactlyInAnyOrder(platforms.get(0).id(), platforms.get(2).id(), noPlatform);
        assertThat(matched.get("ubuntu")).containsExactlyInAnyOrder(platforms.get(1).id(), platforms.get(3).id(), noPlatform);
        assertThat(matched.get("slc6")).containsExactlyInAnyOrder(platforms.get(2).id(), noPlatform);
        assertThat(matched.get("slc5")).containsExactly(noPlatform);
        // Tag MultiProcessor: the task queue that asks for it alone, and the one that asks for no tag
        assertThat(matched.get("multi")).containsExactlyInAnyOrder(tags.get(0).id(), noPlatform);
        List<DiracMatcherOracle.Tq> all = new ArrayList<>(platforms);
        all.addAll(tags);
        assertThat(matched).isEqualTo(oracle(ces, all));
    }

    private static DiracMatcherOracle.Tq platforms(String... values) {
        return new DiracMatcherOracle.Tq(0, "myGroup", "lhcb", 21_600, true,
                values.length == 0 ? Map.of() : Map.of("Platforms", List.of(values)));
    }

    private static DiracMatcherOracle.Tq tagged(String... values) {
        return new DiracMatcherOracle.Tq(0, "myGroup", "lhcb", 21_600, true, Map.of("Tags", List.of(values),
                "Platforms", List.of("linux")));
    }

    private static DiracMatcherOracle.Ce platform(String platform) {
        return new DiracMatcherOracle.Ce(platform, "DIRAC.Test.ch", "ce.test.ch", platform, List.of(), List.of(), List.of(),
                1, null, 50_000, List.of(), "lhcb");
    }

    private static DiracMatcherOracle.Tq tq(String... tags) {
        return new DiracMatcherOracle.Tq(0, "lhcb_user", "lhcb", 3600, true, tags.length == 0 ? Map.of() : Map.of("Tags", List.of(tags)));
    }
}
