package io.pilotd.director.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.Matching;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.SharedDemand;
import io.pilotd.director.store.TaskQueueSpec;
import io.pilotd.director.store.TaskQueueStore;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.fakes.FakeCloud;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One waiting job calls for one waiting pilot, however many queues can serve it. */
class SharedDemandTest {
    private static final String DIRECTOR = "shared-demand-test";

    private Database db;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static QueueConfig queue(String name, String site, int processors, List<String> tags) {
        return new QueueConfig(name, site, "ce." + name, "default", "fake", true, Duration.ofMinutes(1), null,
                new QueueLimits(100, 100, 100, Duration.ofHours(1), null, null, null),
                new Matching(Queues.VO, null, tags, null, null, processors, null, null), Map.of());
    }

    private Submitter submitter() {
        return new Submitter(db.jdbi(), PilotEnvironment.none(DIRECTOR), DIRECTOR, Clock.systemUTC());
    }

    private long jobs(List<String> sites, List<String> tags, int processors, int count) {
        return new TaskQueueStore(db.jdbi()).add(new TaskQueueSpec(Queues.VO, "group", "owner", 100, processors, 0, 1,
                sites, List.of(), List.of(), tags), count);
    }

    private SharedDemand.Demand demand(String queue) {
        return new SharedDemand(db.jdbi()).of(List.of(queue)).get(queue);
    }

    private int count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Integer.class).one());
    }

    @Test
    void tenJobsTwentyQueuesEightRacingThreadsNeverMoreThanOnePilotWaitingPerJob() throws Exception {
        List<QueueConfig> queues = new ArrayList<>();
        Map<String, SiteConfig> sites = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            String site = "SHARED" + (i % 5) + ".site.de";
            sites.put(site, SiteConfig.uncapped());
            queues.add(queue("share" + i, site, 1, List.of()));
        }
        Queues.sync(db, sites, queues.toArray(QueueConfig[]::new));
        long tq = jobs(List.of(), List.of(), 1, 10);
        FakeCloud cloud = new FakeCloud();
        Random random = new Random(1017);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        int decisions = 0;
        try {
            for (int round = 0; round < 200; round++) {
                List<String> order = queues.stream().map(QueueConfig::name).collect(Collectors.toList());
                Collections.shuffle(order, random);
                ConcurrentLinkedQueue<String> todo = new ConcurrentLinkedQueue<>(order);
                CyclicBarrier start = new CyclicBarrier(8);
                List<Future<Integer>> done = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    done.add(threads.submit(() -> {
                        Submitter submitter = submitter();
                        PilotDriver driver = cloud.driver(DIRECTOR);
                        start.await();
                        int n = 0;
                        for (String q = todo.poll(); q != null; q = todo.poll()) {
                            submitter.submit(q, driver, Decision.Request.CYCLE, false);
                            n++;
                        }
                        return n;
                    }));
                }
                for (Future<Integer> f : done) {
                    decisions += f.get();
                }
                int waitingPilots = count("select count(*) from pilot where pilot_is_waiting(status)");
                int waitingJobs = count("select count(*) from task_queue_job where status = 'Waiting'");
                assertThat(waitingPilots).as("round %d: pilots waiting for %d jobs", round, waitingJobs)
                        .isLessThanOrEqualTo(waitingJobs);
                if (round > 0 && round % 40 == 0) {
                    assertThat(waitingPilots).as("round %d: the jobs are covered", round).isEqualTo(waitingJobs);
                }
                progress(random, tq);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(decisions).isEqualTo(200 * 20);
    }

    /** Some waiting pilots start and each takes a job; now and then new jobs arrive. */
    private void progress(Random random, long tq) {
        int start = random.nextInt(3);
        db.jdbi().useTransaction(h -> {
            int started = h.createUpdate("""
                            update pilot set status = 'Running', status_reason = 'started'
                            where id in (select id from pilot where status = 'Submitted' order by random() limit :n)""")
                    .bind("n", start).execute();
            h.createUpdate("""
                            update task_queue_job set status = 'Matched' where id in
                            (select id from task_queue_job where status = 'Waiting' order by id limit :n)""")
                    .bind("n", started).execute();
            if (random.nextInt(4) == 0) {
                h.createUpdate("insert into task_queue_job (tq_id) select :tq from generate_series(1, :n)")
                        .bind("tq", tq).bind("n", 1 + random.nextInt(3)).execute();
            }
        });
    }

    @Test
    void jobsOnlySomeQueuesCanServeAreCountedOnlyThereAndCoveredOnce() {
        QueueConfig atA = queue("at-a", "SITE.A.de", 1, List.of());
        QueueConfig atB = queue("at-b", "SITE.B.de", 1, List.of());
        QueueConfig gpu = queue("gpu-b", "SITE.B.de", 1, List.of("GPU"));
        Queues.sync(db, Map.of(), atA, atB, gpu);
        jobs(List.of("SITE.A.de"), List.of(), 1, 5);
        jobs(List.of(), List.of(), 1, 3);
        jobs(List.of(), List.of("GPU"), 1, 2);

        assertThat(demand("at-a")).isEqualTo(new SharedDemand.Demand(8, 0, 8));
        assertThat(demand("at-b")).as("the site-A jobs are not B's").isEqualTo(new SharedDemand.Demand(3, 0, 3));
        assertThat(demand("gpu-b")).as("only a GPU queue takes GPU jobs").isEqualTo(new SharedDemand.Demand(5, 0, 5));

        SubmitResult b = submitter().submit("at-b", new FakeCloud().driver(DIRECTOR), Decision.Request.CYCLE, false);
        assertThat(b.submitted()).isEqualTo(3);

        assertThat(demand("at-a")).as("B's pilots cover the jobs A shares with B").isEqualTo(new SharedDemand.Demand(8, 3, 5));
        assertThat(demand("gpu-b")).isEqualTo(new SharedDemand.Demand(5, 3, 2));
        SubmitResult again = submitter().submit("at-b", new FakeCloud().driver(DIRECTOR), Decision.Request.CYCLE, false);
        assertThat(again.submitted()).isZero();
        assertThat(again.decision().factor()).isEqualTo(DecidingFactor.demand);

        SubmitResult a = submitter().submit("at-a", new FakeCloud().driver(DIRECTOR), Decision.Request.CYCLE, false);
        assertThat(a.submitted()).isEqualTo(5);
        assertThat(demand("gpu-b")).as("A's pilots may take the shared jobs too: each pilot counted once")
                .isEqualTo(new SharedDemand.Demand(5, 8, 0));
    }

    @Test
    void aMultiCorePilotCoversAsManyJobsAsItHoldsCores() {
        QueueConfig eight = queue("eight-cores", "SITE.M.de", 8, List.of());
        QueueConfig one = queue("one-core", "SITE.M.de", 1, List.of());
        Queues.sync(db, Map.of(), eight, one);
        jobs(List.of(), List.of(), 1, 20);
        jobs(List.of(), List.of(), 4, 3);

        assertThat(demand("eight-cores")).as("32 cores of jobs: 4 eight-core pilots").isEqualTo(new SharedDemand.Demand(23, 0, 4));
        assertThat(demand("one-core")).as("the four-core jobs do not fit").isEqualTo(new SharedDemand.Demand(20, 0, 20));

        submitter().submit("eight-cores", new FakeCloud().driver(DIRECTOR), new Decision.Request(2, false), false);

        assertThat(demand("one-core")).as("16 cores waiting for its jobs").isEqualTo(new SharedDemand.Demand(20, 2, 4));
        assertThat(demand("eight-cores")).isEqualTo(new SharedDemand.Demand(23, 2, 2));
    }
}
