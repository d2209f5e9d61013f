package io.pilotd.director.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.QueueCounts;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.fakes.FakeCloud;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * On the real database: whatever the mix of demand, pilots alive, cloud progress, cycles and
 * manual submissions, a queue never holds more pilots than its limits allow.
 */
class LimitsNeverExceededTest {
    private static final String DIRECTOR = "limits-test";
    private static Database db;

    @BeforeAll
    static void setUp() {
        db = TestDatabases.fresh();
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private static int knownToCloud(String queue) {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from pilot where queue = :q and job_ref is not null")
                .bind("q", queue).mapTo(Integer.class).one());
    }

    @Test
    void randomMixesOfCyclesSubmitsAndCloudProgress() {
        Random random = new Random(42);
        Submitter submitter = new Submitter(db.jdbi(), PilotEnvironment.none(DIRECTOR), DIRECTOR,
                Clock.systemUTC());
        QueueCycle cycle = new QueueCycle(db.jdbi(), PilotEnvironment.none(DIRECTOR), DIRECTOR,
                Clock.systemUTC(), 10);
        int checks = 0;
        for (int scenario = 0; scenario < 40; scenario++) {
            QueueConfig queue = Queues.queue("mix" + scenario, random.nextInt(25), random.nextInt(15), random.nextInt(12));
            Queues.sync(db, queue);
            Queues.demand(db, queue.name(), random.nextInt(60));
            FakeCloud cloud = new FakeCloud();
            PilotDriver driver = cloud.driver(DIRECTOR);
            for (int step = 0; step < 12; step++) {
                switch (random.nextInt(5)) {
                    case 0, 1 -> cycle.run(queue.name(), driver);
                    case 2 -> submitter.submit(queue.name(), driver, new Decision.Request(1 + random.nextInt(20), false), false);
                    case 3 -> cloud.move(random.nextBoolean() ? PilotStatus.Waiting : PilotStatus.Running,
                            random.nextBoolean() ? PilotStatus.Running : PilotStatus.Done);
                    default -> Queues.demand(db, queue.name(), random.nextInt(20));
                }
                QueueCounts c = Queues.counts(db, queue.name());
                String at = queue.name() + " step " + step + ": " + c;
                assertThat(c.alive()).as(at).isLessThanOrEqualTo(queue.limits().maxRunning());
                assertThat(c.waiting()).as(at).isLessThanOrEqualTo(queue.limits().maxWaiting());
                long liveAtCloud = cloud.resources().stream().filter(r -> !r.state().status().isFinal()).count();
                assertThat(liveAtCloud).as(at + ": pilots alive at the cloud").isLessThanOrEqualTo(queue.limits().maxRunning());
                assertThat(cloud.resources()).as(at + ": every cloud resource is a pilot the database knows")
                        .hasSize(knownToCloud(queue.name()));
                checks++;
            }
        }
        assertThat(checks).isEqualTo(40 * 12);
    }

    @Test
    void concurrentCyclesAndManualSubmitsNeverPassALimitTogether() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 15; round++) {
                QueueConfig queue = Queues.queue("race" + round, 9, 6, 5);
                Queues.sync(db, queue);
                Queues.demand(db, queue.name(), 100);
                FakeCloud cloud = new FakeCloud();
                CyclicBarrier start = new CyclicBarrier(6);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    boolean manual = t % 2 == 0;
                    done.add(threads.submit(() -> {
                        Submitter submitter = new Submitter(db.jdbi(),
                                PilotEnvironment.none(DIRECTOR), DIRECTOR, Clock.systemUTC());
                        PilotDriver driver = cloud.driver(DIRECTOR);
                        start.await();
                        for (int i = 0; i < 4; i++) {
                            submitter.submit(queue.name(), driver,
                                    manual ? new Decision.Request(3, false) : Decision.Request.CYCLE, false);
                            if (!manual) {
                                cloud.move(PilotStatus.Waiting, PilotStatus.Running);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
                QueueCounts c = Queues.counts(db, queue.name());
                assertThat(c.alive()).as(queue.name() + ": " + c).isLessThanOrEqualTo(9);
                assertThat(c.waiting()).as(queue.name() + ": " + c).isLessThanOrEqualTo(6);
                assertThat(cloud.resources()).as(queue.name()).hasSize(c.alive());
            }
        } finally {
            threads.shutdownNow();
        }
    }
}
