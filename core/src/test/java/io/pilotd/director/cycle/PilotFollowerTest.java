package io.pilotd.director.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.store.Database;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueStore;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.SeededPilots;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.fakes.FakeCloud;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Following a queue's pilots a page at a time: every pilot followed, memory bounded by the page. */
class PilotFollowerTest {
    private Database db;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        Queues.sync(db, Queues.queue("q", 100_000, 100_000, 100));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void morePilotsThanAPageAreFollowedInAsManyStatusCallsAsPagesAndNoneIsMissed() throws Exception {
        int pilots = PilotFollower.PAGE + 1;
        new SeededPilots(db).add(pilots, "q", Duration.ofHours(1), Duration.ofHours(1), "", "Submitted");
        FakeCloud cloud = new FakeCloud();
        long setup = new QueueStore(db.jdbi()).get("q").driverSetupId();

        // The fake cloud knows none of them, and they are older than its window: each becomes Unknown.
        int changed = new PilotFollower(new PilotStore(db.jdbi())).follow(setup, cloud.driver("test"),
                Duration.ofMinutes(5), new PilotFollower.Limits(null, Duration.ofDays(2)), Instant.now()).changed();

        assertThat(changed).isEqualTo(pilots);
        assertThat(cloud.statusCalls.get()).isEqualTo(2);
        int unknown = db.jdbi().withHandle(h -> h.createQuery("select count(*) from pilot where status = 'Unknown'")
                .mapTo(Integer.class).one());
        assertThat(unknown).isEqualTo(pilots);
    }
}
