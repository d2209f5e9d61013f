package io.pilotd.director.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a capped site's decision reads of the site's other queues: the demand their last cycle
 * left, or their demand counted afresh when they have not cycled within two periods.
 */
class SiteQueuesTest {
    private static final String SITE = "CAPPED.site.de";
    private Database db;
    private QueueConfig other;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        QueueConfig deciding = at(Queues.queue("deciding", 100, 100, 100));
        other = at(Queues.queue("other", 100, 100, 100));
        Queues.sync(db, Map.of(SITE, new SiteConfig(50, null, null)), deciding, other);
        Queues.demandFor(db, other, 40);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static QueueConfig at(QueueConfig q) {
        return new QueueConfig(q.name(), SITE, q.ce(), q.queue(), q.driver(), q.enabled(), q.cycle(), q.consistencyWindow(),
                q.limits(), q.matching(), q.parameters(), q.proxy(), q.pilot());
    }

    private SiteQueue otherAsRead() {
        List<SiteQueue> queues = db.jdbi().inTransaction(h -> new SiteStore(db.jdbi()).queues(h, SITE, "deciding",
                new SharedDemand.Demand(7, 0, 7)));
        assertThat(queues).extracting(SiteQueue::name).containsExactly("deciding", "other");
        assertThat(queues.get(0).demand()).as("the deciding queue's own, just counted").isEqualTo(7);
        return queues.get(1);
    }

    private void cycled(Duration ago, int waitingJobs, int demand, int submitted) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                        insert into director_cycle (queue, director_id, started_at, ended_at, waiting_jobs, demand, waiting,
                                                    alive, submitted, deciding_factor)
                        values ('other', 'test', now() - make_interval(secs => :ago), now() - make_interval(secs => :ago),
                                :jobs, :demand, 0, 0, :submitted, 'demand')""")
                .bind("ago", ago.toSeconds()).bind("jobs", waitingJobs).bind("demand", demand).bind("submitted", submitted)
                .execute());
    }

    @Test
    void aQueueThatNeverCycledHasItsDemandCounted() {
        assertThat(otherAsRead().demand()).isEqualTo(40);
        assertThat(otherAsRead().waitingJobs()).isEqualTo(40);
    }

    @Test
    void aQueueThatCycledWithinTwoPeriodsWeighsInWithWhatItsCycleLeft() {
        cycled(Duration.ofSeconds(30), 40, 40, 15);
        Queues.demandFor(db, other, 500);
        assertThat(otherAsRead().demand()).as("40 called for, 15 started: 25 left, whatever came since").isEqualTo(25);
        assertThat(otherAsRead().waitingJobs()).isEqualTo(40);
    }

    @Test
    void aQueueWhoseLastCycleIsOlderThanTwoPeriodsHasItsDemandCountedAgain() {
        cycled(Duration.ofMinutes(3), 40, 40, 15);
        assertThat(otherAsRead().demand()).as("a 1-minute queue last seen 3 minutes ago").isEqualTo(40);
    }
}
