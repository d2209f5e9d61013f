package io.pilotd.director.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.EmptyPilots;
import io.pilotd.director.config.Matching;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.CycleRecord;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.DecisionInputs;
import io.pilotd.director.store.TaskQueueStore;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.fakes.FakeClock;
import io.pilotd.fakes.FakeCloud;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Pilots that find no work (issue 40): each pilot's jobs recorded as it ends, from pilotd's own
 * task queue; a queue whose pilots come back empty while its jobs still wait (other pilots take
 * them, or they need what the worker lacks) starts fewer, by the rule of {@link HoldBack}, and
 * starts as many as before once its pilots find work again; a queue with the rule off is not
 * touched.
 */
class EmptyPilotsTest {
    private static final String DIRECTOR = "empty-test";
    private static final int WINDOW = 10;

    private Database db;
    private FakeClock clock;
    private QueueCycle cycle;
    private TaskQueueStore taskQueue;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        clock = new FakeClock();
        cycle = new QueueCycle(db.jdbi(), PilotEnvironment.none(DIRECTOR), DIRECTOR, clock, 10);
        taskQueue = new TaskQueueStore(db.jdbi());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static QueueConfig queue(String name, int window) {
        return new QueueConfig(name, "SITE." + name + ".de", "ce." + name, "default", "fake", true, Duration.ofMinutes(1), null,
                new QueueLimits(40, 20, 10, Duration.ofHours(1), null, null, null, new EmptyPilots(window, 50)),
                new Matching(Queues.VO, null, null, null, null, 1, null, null), Map.of());
    }

    /** One queue's cloud, whose pilots start a cycle after they are made and end the cycle after. */
    private final class Site {
        final String queue;
        final FakeCloud cloud = new FakeCloud();
        final PilotDriver driver = cloud.driver(DIRECTOR);
        final List<CycleRecord> records = new ArrayList<>();

        Site(String queue) {
            this.queue = queue;
        }

        /** A cycle, then the cloud's turn: running pilots take a job each (or none) and end; waiting ones start. */
        void cycle(boolean findWork) {
            records.add(cycle.run(queue, driver));
            for (FakeCloud.Resource r : cloud.resources()) {
                if (r.state().status() == PilotStatus.Running) {
                    if (findWork) {
                        assertThat(taskQueue.match(queue, r.stamp())).isPresent();
                    }
                    cloud.set(r.jobRef(), PilotStatus.Done);
                }
            }
            cloud.move(PilotStatus.Waiting, PilotStatus.Running);
        }
    }

    @Test
    void aQueueWhosePilotsFindNoWorkStartsFewerAndRecoversWhenTheyFindWork_andAQueueWithTheRuleOffIsUntouched() {
        Queues.sync(db, queue("held", WINDOW), queue("off", 0));
        Queues.demand(db, "held", 5_000);
        Queues.demand(db, "off", 5_000);
        Site held = new Site("held");
        Site off = new Site("off");

        for (int i = 0; i < 12; i++) {
            clock.advance(Duration.ofMinutes(1));
            held.cycle(false);
            off.cycle(false);
        }
        DecisionInputs.RecentWork work = db.jdbi().inTransaction(h -> DecisionInputs.lock(h, "held").work());
        assertThat(work.judged()).isEqualTo(WINDOW);
        assertThat(work.empty()).as("every pilot of the window found no job").isEqualTo(WINDOW);
        List<CycleRecord> emptyPhase = held.records.subList(6, 12);
        assertThat(emptyPhase).as("held back: one pilot a cycle, the one that tells when work is back")
                .allSatisfy(r -> {
                    assertThat(r.decidingFactor()).isEqualTo("emptyPilots");
                    assertThat(r.submitted()).isEqualTo(1);
                });
        assertThat(off.records.subList(6, 12)).as("the rule off: its limits only")
                .allSatisfy(r -> assertThat(r.decidingFactor()).isNotEqualTo("emptyPilots"))
                .extracting(CycleRecord::submitted).allSatisfy(n -> assertThat(n).isGreaterThan(1));

        // its pilots find work again: the empty ones leave the window as the working ones end
        int before = held.records.size();
        for (int i = 0; i < 30; i++) {
            clock.advance(Duration.ofMinutes(1));
            held.cycle(true);
        }
        List<CycleRecord> recovered = held.records.subList(before, held.records.size());
        assertThat(recovered).as("some cycles still held while the window holds empty pilots")
                .anySatisfy(r -> assertThat(r.decidingFactor()).isEqualTo("emptyPilots"));
        assertThat(recovered.subList(recovered.size() - 5, recovered.size())).as("recovered")
                .allSatisfy(r -> {
                    assertThat(r.decidingFactor()).isNotEqualTo("emptyPilots");
                    assertThat(r.submitted()).isGreaterThan(1);
                });
        Map<Integer, Long> jobsPerPilot = db.jdbi().withHandle(h -> h.createQuery(
                        "select jobs, count(*) as n from pilot where queue = 'held' and jobs is not null group by jobs")
                .reduceRows(new TreeMap<Integer, Long>(), (m, row) -> {
                    m.put(row.getColumn("jobs", Integer.class), row.getColumn("n", Long.class));
                    return m;
                }));
        assertThat(jobsPerPilot).as("pilots with 0 and 1 job recorded as they ended").containsOnlyKeys(0, 1);
    }

    @Test
    void theRuleSharesTheDecisionByThePilotsThatFoundWork() {
        DecisionInputs.RecentWork sixOfTenEmpty = new DecisionInputs.RecentWork(10, 50, 10, 6);
        assertThat(new HoldBack(sixOfTenEmpty).apply(new Decision(10, DecidingFactor.maxPerCycle)))
                .isEqualTo(new Decision(4, DecidingFactor.emptyPilots));
        assertThat(new HoldBack(sixOfTenEmpty).apply(new Decision(3, DecidingFactor.demand)))
                .as("3 × 4/10, rounded down").isEqualTo(new Decision(1, DecidingFactor.emptyPilots));
        assertThat(new HoldBack(new DecisionInputs.RecentWork(10, 50, 10, 5)).holds()).as("at the threshold: not above").isFalse();
        assertThat(new HoldBack(new DecisionInputs.RecentWork(10, 50, 4, 4)).holds()).as("fewer than half a window judged").isFalse();
        assertThat(new HoldBack(new DecisionInputs.RecentWork(0, 50, 0, 0)).holds()).as("off").isFalse();
        assertThat(new HoldBack(new DecisionInputs.RecentWork(10, 50, 10, 10)).apply(new Decision(10, DecidingFactor.demand)))
                .as("all empty: one").isEqualTo(new Decision(1, DecidingFactor.emptyPilots));
    }
}
