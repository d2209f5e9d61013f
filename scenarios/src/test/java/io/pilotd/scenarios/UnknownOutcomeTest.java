package io.pilotd.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.cycle.QueueCycle;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.CycleRecord;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeClock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A submission whose outcome is unknown holds its queue's capacity only as long as the queue's
 * cloud needs to list what it made, learnt from the queue's own pilots, not for the whole
 * consistency window (10 minutes for AWS Batch).
 */
class UnknownOutcomeTest {
    private static final String DIRECTOR = "scenario-director";
    private static final Duration CYCLE = Duration.ofMinutes(1);

    @BeforeAll
    static void credentials() {
        Cloud.credentials();
    }

    @Test
    void aSubmitJob5xxThatNeverReachedAwsHoldsTheQueueTwoCyclesNotTheWindow() throws Exception {
        FakeClock clock = new FakeClock();
        CloudBehaviour behaviour = new CloudBehaviour(clock, 7).listingLag(Duration.ofSeconds(5));
        try (Cloud.Batch cloud = (Cloud.Batch) Cloud.of("aws-batch", behaviour); Database db = TestDatabases.fresh()) {
            Queues.sync(db, Queues.queue("held", 200, 10, 10));
            Queues.demand(db, "held", 2_000);
            PilotDriver driver = cloud.driver(DIRECTOR, "held");
            QueueCycle cycle = new QueueCycle(db.jdbi(), PilotEnvironment.none(DIRECTOR), DIRECTOR, clock, 10);
            Random random = new Random(7);
            // the queue learns how late its cloud lists a new pilot
            for (int i = 1; i <= 6; i++) {
                clock.advance(CYCLE);
                cycle.run("held", driver);
                for (int p = 0; p < 20; p++) {
                    cloud.progress(random);
                }
            }

            behaviour.down("Batch.submitjob");
            clock.advance(CYCLE);
            CycleRecord failed = cycle.run("held", driver);
            assertThat(failed.errors()).contains("outcome unknown");
            List<PilotRecord> held = new PilotStore(db.jdbi()).inStatus("held", PilotStatus.Submitting);
            assertThat(held).as("the batch whose answer was lost, held").isNotEmpty();
            assertThat(new PilotStore(db.jdbi()).unresolved()).as("what pilotd queues and the metrics show")
                    .containsEntry("held", new PilotStore.Unresolved(held.size(), held.get(0).submittedAt(), null));

            behaviour.down();
            int sentBefore = cloud.aws.count("Batch.submitjob");
            int cycles = 0;
            while (cloud.aws.count("Batch.submitjob") == sentBefore) {
                clock.advance(CYCLE);
                cycle.run("held", driver);
                cycles++;
                PilotStore.Unresolved unresolved = new PilotStore(db.jdbi()).unresolved().get("held");
                if (unresolved != null) {
                    // the cloud listed the queue's pilots one cycle after their submission: held 1.5 cycles
                    assertThat(unresolved.until()).as("until when pilotd queues and the metrics say they are held")
                            .isEqualTo(held.get(0).submittedAt().plus(CYCLE.multipliedBy(3).dividedBy(2)));
                }
                assertThat(cycles).as("cycles after the cloud answers again").isLessThanOrEqualTo(2);
            }
            System.out.printf("UnknownOutcomeTest: the queue submitted again %d cycle(s) after the cloud answered%n", cycles);
            assertThat(new PilotStore(db.jdbi()).byStamp(held.stream().map(PilotRecord::stamp).toList()).values())
                    .allSatisfy(p -> assertThat(p.status()).isEqualTo(PilotStatus.Aborted))
                    .allSatisfy(p -> assertThat(p.statusReason()).contains("what this queue's cloud takes to list a pilot"));
        }
    }
}
