package io.pilotd.director.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.Matching;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.SiteRow;
import io.pilotd.director.store.SiteStore;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.fakes.FakeCloud;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Site caps on the real database: never passed, whoever submits, and shared by demand. */
class SiteCapsTest {
    private static final String DIRECTOR = "site-test";
    private static Database db;

    @BeforeAll
    static void setUp() {
        db = TestDatabases.fresh();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private static QueueConfig queue(String name, String site, int processors, int maxRunning, int maxWaiting, int maxPerCycle) {
        return new QueueConfig(name, site, "ce." + name, "default", "fake", true, Duration.ofMinutes(1), null,
                new QueueLimits(maxRunning, maxWaiting, maxPerCycle, Duration.ofHours(1), null, null, null),
                // jobs of the shared group, and of a group of its own (Queues.demandFor)
                new Matching(Queues.VO, null, null, null, List.of("group", name), processors, null, null), Map.of());
    }

    private static Submitter submitter() {
        return new Submitter(db.jdbi(), PilotEnvironment.none(DIRECTOR), DIRECTOR, Clock.systemUTC());
    }

    private static SiteRow usage(String site) {
        return new SiteStore(db.jdbi()).all().stream().filter(s -> s.name().equals(site)).findFirst().orElseThrow();
    }

    private static void assertWithinCaps(String at, SiteConfig caps, SiteRow usage) {
        if (caps.maxRunning() != null) {
            assertThat(usage.alive()).as(at + ": site alive").isLessThanOrEqualTo(caps.maxRunning());
        }
        if (caps.maxWaiting() != null) {
            assertThat(usage.waiting()).as(at + ": site waiting").isLessThanOrEqualTo(caps.maxWaiting());
        }
        if (caps.maxCores() != null) {
            assertThat(usage.cores()).as(at + ": site cores").isLessThanOrEqualTo(caps.maxCores());
        }
    }

    private static Integer maybeCap(Random random, int max) {
        return random.nextInt(3) == 0 ? null : 1 + random.nextInt(max);
    }

    @Test
    void noCapNorQueueLimitIsEverPassedOverRandomMixes() {
        Random random = new Random(1313);
        QueueCycle cycle = new QueueCycle(db.jdbi(), PilotEnvironment.none(DIRECTOR), DIRECTOR,
                Clock.systemUTC(), 10);
        Submitter submitter = submitter();
        for (int scenario = 0; scenario < 30; scenario++) {
            String site = "MIX" + scenario + ".site.de";
            SiteConfig caps = new SiteConfig(maybeCap(random, 25), maybeCap(random, 15), maybeCap(random, 80));
            List<QueueConfig> queues = new ArrayList<>();
            for (int q = 0; q < 1 + random.nextInt(5); q++) {
                queues.add(queue("m" + scenario + "q" + q, site, 1 + random.nextInt(8), 1 + random.nextInt(20),
                        1 + random.nextInt(12), 1 + random.nextInt(10)));
            }
            Queues.sync(db, Map.of(site, caps), queues.toArray(QueueConfig[]::new));
            FakeCloud cloud = new FakeCloud();
            PilotDriver driver = cloud.driver(DIRECTOR);
            Map<String, Integer> forced = new HashMap<>();
            Queues.demandAtSite(db, site, random.nextInt(40 * queues.size()));
            for (int step = 0; step < 15; step++) {
                QueueConfig q = queues.get(random.nextInt(queues.size()));
                switch (random.nextInt(6)) {
                    case 0, 1 -> cycle.run(q.name(), driver);
                    case 2 -> submitter.submit(q.name(), driver, new Decision.Request(1 + random.nextInt(15), false), false);
                    case 3 -> forced.merge(q.name(), submitter.submit(q.name(), driver,
                            new Decision.Request(1 + random.nextInt(15), true), false).submitted(), Integer::sum);
                    case 4 -> cloud.move(random.nextBoolean() ? PilotStatus.Waiting : PilotStatus.Running,
                            random.nextBoolean() ? PilotStatus.Running : PilotStatus.Done);
                    default -> Queues.demandAtSite(db, site, random.nextInt(20));
                }
                String at = site + " " + caps + " step " + step;
                assertWithinCaps(at, caps, usage(site));
                // queue limits bind every submission but the forced ones
                for (QueueConfig each : queues) {
                    assertThat(Queues.counts(db, each.name()).alive()).as(at + " " + each.name())
                            .isLessThanOrEqualTo(each.limits().maxRunning() + forced.getOrDefault(each.name(), 0));
                }
            }
        }
    }

    @Test
    void concurrentCyclesOfOneSitesQueuesAndManualSubmitsNeverPassItsCaps() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                String site = "RACE" + round + ".site.de";
                SiteConfig caps = new SiteConfig(12, 12, 30);
                QueueConfig first = queue("r" + round + "a", site, 1, 12, 12, 12);
                List<QueueConfig> racers = List.of(queue("r" + round + "b", site, 2, 10, 10, 10),
                        queue("r" + round + "c", site, 1, 10, 10, 10));
                Queues.sync(db, Map.of(site, caps), first, racers.get(0), racers.get(1));
                FakeCloud cloud = new FakeCloud();
                // The first queue, alone with demand, fills the site; then half its pilots end,
                // and it holds more than its part once the others have demand too: the site's
                // headroom, not the parts, is what the racers must not overrun together.
                Queues.demandFor(db, first, 100);
                submitter().submit(first.name(), cloud.driver(DIRECTOR), Decision.Request.CYCLE, false);
                db.jdbi().useHandle(h -> h.createUpdate("""
                        update pilot set status = 'Done' where id in
                          (select id from pilot where queue = :q order by id limit 6)""").bind("q", first.name()).execute());
                racers.forEach(q -> Queues.demandFor(db, q, 100));

                CyclicBarrier start = new CyclicBarrier(8);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    QueueConfig q = racers.get(t % racers.size());
                    boolean manual = t >= 4;
                    done.add(threads.submit(() -> {
                        Submitter submitter = submitter();
                        PilotDriver driver = cloud.driver(DIRECTOR);
                        start.await();
                        for (int i = 0; i < 3; i++) {
                            submitter.submit(q.name(), driver,
                                    manual ? new Decision.Request(3, true) : Decision.Request.CYCLE, false);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                SiteRow usage = usage(site);
                assertWithinCaps(site, caps, usage);
                assertThat(usage.alive()).as(site + ": the racers took the headroom").isEqualTo(12);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aManualCountTakesWhatTheSiteHasLeftEvenWithoutDemand() {
        String site = "MANUAL.site.de";
        QueueConfig q = queue("manual-q", site, 2, 100, 100, 100);
        Queues.sync(db, Map.of(site, new SiteConfig(null, null, 10)), q);
        FakeCloud cloud = new FakeCloud();

        SubmitResult first = submitter().submit(q.name(), cloud.driver(DIRECTOR), new Decision.Request(3, false), false);
        SubmitResult second = submitter().submit(q.name(), cloud.driver(DIRECTOR), new Decision.Request(3, false), false);

        assertThat(first.submitted()).isEqualTo(3);
        assertThat(second.submitted()).as("10 cores, 2 per pilot: 2 more fit").isEqualTo(2);
        assertThat(second.decision().factor()).isEqualTo(DecidingFactor.siteMaxCores);
        assertThat(usage(site).cores()).isEqualTo(10);
    }

    @Test
    void twoBusyQueuesOfACappedSiteShareItByDemandNeitherStarved() {
        String site = "SHARE.site.de";
        QueueConfig big = queue("share-big", site, 1, 100, 100, 4);
        QueueConfig small = queue("share-small", site, 1, 100, 100, 4);
        Queues.sync(db, Map.of(site, new SiteConfig(20, null, null)), big, small);
        Queues.demandFor(db, big, 300);
        Queues.demandFor(db, small, 100);
        QueueCycle cycle = new QueueCycle(db.jdbi(), PilotEnvironment.none(DIRECTOR), DIRECTOR,
                Clock.systemUTC(), 10);
        FakeCloud cloud = new FakeCloud();
        PilotDriver driver = cloud.driver(DIRECTOR);

        for (int i = 0; i < 6; i++) {
            cycle.run(big.name(), driver);
            cycle.run(small.name(), driver);
            cloud.move(PilotStatus.Waiting, PilotStatus.Running);
        }

        assertThat(usage(site).alive()).isEqualTo(20);
        assertThat(Queues.counts(db, big.name()).alive()).isEqualTo(15);
        assertThat(Queues.counts(db, small.name()).alive()).isEqualTo(5);
        assertWithinCaps("shared", new SiteConfig(20, null, null), usage(site));
    }
}
