package io.pilotd.director.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.testing.CapturedLog;
import io.pilotd.director.testing.TestDatabases;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One cycle of a queue at a time: across directors (sessions), across one director's threads, and after a crash. */
class CycleLocksTest {
    private Database db;
    private CycleLocks directorA;
    private CycleLocks directorB;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        directorA = new CycleLocks(db.jdbi());
        directorB = new CycleLocks(db.jdbi());
    }

    @AfterEach
    void tearDown() {
        directorA.close();
        directorB.close();
        db.close();
    }

    /**
     * Ends every session of this database that holds an advisory lock, as a crashed director's
     * would end, and waits for it to be gone (up to 30 s): a session told to end holds its locks
     * until it has.
     */
    private void killSessionsHoldingLocks() {
        int killed = db.jdbi().withHandle(h -> h.createQuery("""
                        select count(*) filter (where pg_terminate_backend(pid, 30000)) from pg_locks
                        where locktype = 'advisory' and granted
                          and database = (select oid from pg_database where datname = current_database())""")
                .mapTo(Integer.class).one());
        assertThat(killed).isEqualTo(1);
    }

    @Test
    void aQueueCyclingInOneDirectorIsRefusedToAnotherUntilItsCycleEnds() {
        Optional<CycleLocks.Held> a = directorA.tryLock("q1");
        assertThat(a).isPresent();
        assertThat(directorB.tryLock("q1")).isEmpty();
        try (CycleLocks.Held other = directorB.tryLock("q2").orElseThrow()) {
            assertThat(directorA.tryLock("q2")).as("q2 cycles in B").isEmpty();
        }
        a.get().close();
        try (CycleLocks.Held b = directorB.tryLock("q1").orElseThrow()) {
            assertThat(directorA.tryLock("q1")).isEmpty();
        }
    }

    @Test
    void twoThreadsOfOneDirectorDoNotCycleOneQueueAtOnce() {
        // PostgreSQL lets a session take its own advisory lock again: the director must not.
        try (CycleLocks.Held first = directorA.tryLock("q1").orElseThrow()) {
            assertThat(directorA.tryLock("q1")).isEmpty();
        }
        directorA.tryLock("q1").orElseThrow().close();
        directorB.tryLock("q1").orElseThrow().close();
    }

    @Test
    void aCrashedDirectorsLocksAreFreeAndItsNextCycleTakesANewSession() {
        CycleLocks.Held running = directorA.tryLock("q1").orElseThrow();
        killSessionsHoldingLocks();

        try (CycleLocks.Held taken = directorB.tryLock("q1").orElseThrow()) {
            assertThat(directorA.tryLock("q2")).as("a new session, after the broken one").isPresent();
            try (CapturedLog log = CapturedLog.atTrace()) {
                running.close();
                assertThat(log.text()).contains("[q1] the cycle's lock was lost while it ran");
            }
            assertThat(directorA.tryLock("q1")).as("B cycles q1 now").isEmpty();
        }
    }
}
