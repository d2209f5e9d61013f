package io.pilotd.director.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.DriverSetups;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueStore;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.fakes.FakeClock;
import io.pilotd.fakes.FakeCloud;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Pilots outlive their queue's place in the config: they are followed to their end by the driver that started them. */
class RetiredSetupsTest {
    private static final String DIRECTOR = "retired-test";

    private Database db;
    private QueueCycle cycle;
    private PilotStore pilots;
    private DriverSetups setups;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        cycle = new QueueCycle(db.jdbi(), PilotEnvironment.none(DIRECTOR), DIRECTOR, new FakeClock(), 10);
        pilots = new PilotStore(db.jdbi());
        setups = new DriverSetups(db.jdbi());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static QueueConfig withParameters(QueueConfig q, Map<String, Object> parameters) {
        return new QueueConfig(q.name(), q.site(), q.ce(), q.queue(), q.driver(), q.enabled(), q.cycle(),
                q.consistencyWindow(), q.limits(), q.matching(), parameters);
    }

    @Test
    void theRemovedQueuesPilotsAreFollowedToTheirEndAndHoldTheirSiteMeanwhile() {
        QueueConfig old = Queues.queue("old", 10, 10, 10);
        Queues.sync(db, old);
        Queues.demand(db, "old", 3);
        FakeCloud cloud = new FakeCloud();
        PilotDriver driver = cloud.driver(DIRECTOR);
        cycle.run("old", driver);

        Queues.sync(db, Queues.queue("new", 10, 10, 10));

        assertThat(setups.retired()).singleElement().satisfies(s -> {
            assertThat(s.queue()).isEqualTo("old");
            assertThat(s.driver()).isEqualTo("fake");
        });
        long setup = setups.retired().get(0).id();
        cloud.move(PilotStatus.Waiting, PilotStatus.Running);
        assertThat(cycle.followRetired("old", setup, driver)).isTrue();
        assertThat(pilots.list("old", PilotStatus.Running, 10)).hasSize(3);
        assertThat(Queues.counts(db, "old").alive()).as("they still count").isEqualTo(3);

        cloud.move(PilotStatus.Running, PilotStatus.Done);
        assertThat(cycle.followRetired("old", setup, driver)).as("none left alive").isFalse();
        assertThat(pilots.list("old", PilotStatus.Done, 10)).hasSize(3);
        assertThat(setups.retired()).isEmpty();
    }

    @Test
    void aQueueMovedToOtherParametersFollowsOnlyItsNewPilotsAndTheOldSetUpItsOwn() {
        QueueConfig q = withParameters(Queues.queue("q", 10, 10, 2), Map.of("delay", "0s"));
        Queues.sync(db, q);
        Queues.demand(db, "q", 10);
        FakeCloud before = new FakeCloud();
        cycle.run("q", before.driver(DIRECTOR));
        long oldSetup = new QueueStore(db.jdbi()).get("q").driverSetupId();

        Queues.sync(db, withParameters(q, Map.of("delay", "1ms")));
        FakeCloud after = new FakeCloud();
        cycle.run("q", after.driver(DIRECTOR));

        assertThat(setups.retired()).extracting(DriverSetups.Setup::id).containsExactly(oldSetup);
        assertThat(before.statusCalls).as("the new driver never asks about the old pilots").hasValue(1);
        assertThat(after.alive()).hasSize(2);
        before.move(PilotStatus.Waiting, PilotStatus.Done);
        assertThat(cycle.followRetired("q", oldSetup, before.driver(DIRECTOR))).isFalse();
        assertThat(pilots.list("q", PilotStatus.Done, 10)).hasSize(2);
    }
}
