package io.pilotd.director.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.CycleLocks;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.FakeDriverFactory;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.Slow;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.PilotStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon with Quartz on the real database: periods, one cycle at a time, a clean stop. */
@Slow
class DirectorSchedulingTest {
    private Database db;

    @TempDir
    Path dataDir;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        FakeDriverFactory.reset();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static QueueConfig queue(String name, Duration cycle, Duration delay, int maxPerCycle) {
        return Daemons.queue(name, cycle, delay, maxPerCycle);
    }

    private static PilotdConfig config(QueueConfig... queues) {
        return Daemons.config("sched-test", queues);
    }

    private record Cycle(Instant start, Instant end) {
    }

    private List<Cycle> cycles(String queue) {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "select started_at, ended_at from director_cycle where queue = :q order by started_at")
                .bind("q", queue)
                .map((rs, ctx) -> new Cycle(rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant())).list());
    }

    @Test
    void eachQueueCyclesOnItsOwnPeriodAndNeverTwiceAtOnce() throws Exception {
        // "slow" takes 1.5 s per driver call on a 1 s period: its cycles must queue up, not overlap.
        PilotdConfig config = config(queue("fast", Duration.ofSeconds(1), Duration.ZERO, 2),
                queue("slow", Duration.ofSeconds(1), Duration.ofMillis(1500), 2));
        Queues.sync(db, config.queues().toArray(QueueConfig[]::new));
        Queues.demand(db, "fast", 50);
        Queues.demand(db, "slow", 50);

        try (Director director = Director.start(config, db, DriverCatalog.load(), dataDir)) {
            // both queues cycle, the slow one beside the fast one rather than in its way
            Daemons.await("four cycles of fast and two of slow", Duration.ofSeconds(60),
                    () -> cycles("fast").size() >= 4 && cycles("slow").size() >= 2);
        }

        // Order and overlap only: a busy machine may start any cycle late.
        List<Cycle> fast = cycles("fast");
        for (int i = 1; i < fast.size(); i++) {
            assertThat(fast.get(i).start()).as("cycle %d of fast began after the one before ended", i)
                    .isAfterOrEqualTo(fast.get(i - 1).end());
        }
        List<Cycle> slow = cycles("slow");
        assertThat(slow).hasSizeGreaterThanOrEqualTo(2);
        for (int i = 1; i < slow.size(); i++) {
            assertThat(slow.get(i).start()).as("cycle %d of slow began after the one before ended", i)
                    .isAfterOrEqualTo(slow.get(i - 1).end());
        }
        assertThat(FakeDriverFactory.mostInFlight("slow")).isEqualTo(1);
        // maxPerCycle 2 per cycle, whatever the demand
        assertThat(FakeDriverFactory.cloud("fast").resources()).hasSizeLessThanOrEqualTo(2 * fast.size());
    }

    @Test
    void stoppingFinishesTheDriverCallInFlightAndRecordsIt() throws Exception {
        PilotdConfig config = config(queue("q", Duration.ofMinutes(10), Duration.ofMillis(2000), 5));
        Queues.sync(db, config.queues().toArray(QueueConfig[]::new));
        Queues.demand(db, "q", 5);

        Director director = Director.start(config, db, DriverCatalog.load(), dataDir);
        while (FakeDriverFactory.cloud("q").submitCalls.get() == 0) {
            Thread.sleep(20);
        }
        director.close();

        List<PilotRecord> pilots = new PilotStore(db.jdbi()).list("q", null, 100);
        assertThat(pilots).hasSize(5).allSatisfy(p -> {
            assertThat(p.status()).isNotEqualTo(PilotStatus.Submitting);
            assertThat(p.jobRef()).isNotNull();
        });
        assertThat(cycles("q")).hasSize(1);
    }

    @Test
    void aQueueThatCyclesInAnotherDirectorIsNotCycledHere() throws Exception {
        PilotdConfig config = config(queue("q", Duration.ofMinutes(10), Duration.ZERO, 5));
        Queues.sync(db, config.queues().toArray(QueueConfig[]::new));
        Queues.demand(db, "q", 5);

        try (CycleLocks otherDirector = new CycleLocks(db.jdbi());
             CycleLocks.Held cycling = otherDirector.tryLock("q").orElseThrow();
             Director director = Director.start(config, db, DriverCatalog.load(), dataDir)) {
            assertThat(director.cycle("q", Instant.now())).isEmpty();
            // Nor did its start-up cycle, whether Quartz has fired it yet or not.
            assertThat(cycles("q")).isEmpty();
            assertThat(FakeDriverFactory.cloud("q").submitCalls.get()).isZero();
        }
    }

    @Test
    void theDaemonTrimsTheHistoryOlderThanItsRetention() throws Exception {
        PilotdConfig config = config(queue("q", Duration.ofMinutes(10), Duration.ZERO, 1));
        Queues.sync(db, config.queues().toArray(QueueConfig[]::new));
        db.jdbi().useHandle(h -> h.execute("insert into director_cycle (queue, director_id, started_at, ended_at, demand,"
                + " waiting, alive, submitted, deciding_factor) values ('q', 'gone', now() - interval '60 days',"
                + " now() - interval '60 days', 0, 0, 0, 0, 'demand')"));
        Instant monthAgo = Instant.now().minus(Duration.ofDays(30));

        try (Director director = Director.start(config, db, DriverCatalog.load(), dataDir)) {
            Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
            while ((cycles("q").stream().anyMatch(c -> c.start().isBefore(monthAgo)) || cycles("q").isEmpty())
                    && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
        }
        assertThat(cycles("q")).as("the 60-day-old cycle record, trimmed at start-up")
                .allSatisfy(c -> assertThat(c.start()).isAfter(monthAgo));
        assertThat(FakeDriverFactory.cloud("q").trimmedBefore).as("the driver asked, in the queue's first cycle, to delete"
                        + " what pilots that ended more than retention.pilotFiles (30d) ago left")
                .singleElement().satisfies(before -> assertThat(before).isBetween(monthAgo.minusSeconds(60), monthAgo.plusSeconds(60)));
    }
}
