package io.pilotd.director.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pilotd.director.store.ClusterDuties.Duty;
import io.pilotd.director.testing.TestDatabases;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each cluster duty held by one director at a time, taken by another when it dies or hands it over. */
class ClusterDutiesTest {
    private Database db;
    private ClusterDuties a;
    private ClusterDuties b;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        a = new ClusterDuties(db.jdbi(), "a");
        b = new ClusterDuties(db.jdbi(), "b");
    }

    @AfterEach
    void tearDown() {
        a.close();
        b.close();
        db.close();
    }

    @Test
    void aDutyIsHeldByOneDirectorAndEachDutyApart() {
        assertThat(a.hold(Duty.DIRAC_POLL)).isTrue();
        assertThat(a.hold(Duty.DIRAC_POLL)).as("held still").isTrue();
        assertThat(b.hold(Duty.DIRAC_POLL)).isFalse();
        assertThat(b.hold(Duty.PILOT_AGENTS_MIRROR)).isTrue();
        assertThat(a.hold(Duty.PILOT_AGENTS_MIRROR)).isFalse();
        assertThat(ClusterDuties.holders(db.jdbi())).extracting(ClusterDuties.Holder::duty, ClusterDuties.Holder::directorId)
                .containsExactly(tuple("dirac-poll", "a"), tuple("pilotagents-mirror", "b"));
    }

    @Test
    void aHandedOverDutyIsTakenByTheNextToTry() {
        assertThat(a.hold(Duty.DIRAC_POLL)).isTrue();
        a.handOver(Duty.DIRAC_POLL);
        assertThat(ClusterDuties.holders(db.jdbi())).isEmpty();
        assertThat(b.hold(Duty.DIRAC_POLL)).isTrue();
        assertThat(a.hold(Duty.DIRAC_POLL)).isFalse();
        assertThat(ClusterDuties.holders(db.jdbi())).extracting(ClusterDuties.Holder::directorId).containsExactly("b");
    }

    @Test
    void theDutiesOfADirectorWhoseSessionDiedAreTakenAndItFindsItHoldsNoneOnItsReturn() {
        assertThat(a.hold(Duty.DIRAC_POLL)).isTrue();
        assertThat(a.hold(Duty.PILOT_AGENTS_MIRROR)).isTrue();
        int killed = db.jdbi().withHandle(h -> h.createQuery("""
                        select count(distinct backend_pid) filter (where pg_terminate_backend(backend_pid, 30000))
                        from cluster_duty where director_id = 'a'""")
                .mapTo(Integer.class).one());
        assertThat(killed).isEqualTo(1);
        assertThat(ClusterDuties.holders(db.jdbi())).as("a dead session holds nothing, whatever its rows say").isEmpty();

        assertThat(b.hold(Duty.DIRAC_POLL)).isTrue();
        assertThat(a.hold(Duty.DIRAC_POLL)).as("a, on a new session, finds the poll taken").isFalse();
        assertThat(a.hold(Duty.PILOT_AGENTS_MIRROR)).as("and takes again what nobody holds").isTrue();
        assertThat(ClusterDuties.holders(db.jdbi())).extracting(ClusterDuties.Holder::duty, ClusterDuties.Holder::directorId)
                .containsExactly(tuple("dirac-poll", "b"), tuple("pilotagents-mirror", "a"));
    }

    @Test
    void aClosedDirectorGivesItsDutiesUpAtOnceAndLeavesNoLockOnThePooledConnection() {
        assertThat(a.hold(Duty.DIRAC_POLL)).isTrue();
        a.close();
        assertThat(b.hold(Duty.DIRAC_POLL)).isTrue();
        int locks = db.jdbi().withHandle(h -> h.createQuery("""
                        select count(*) from pg_locks where locktype = 'advisory' and classid = 20""")
                .mapTo(Integer.class).one());
        assertThat(locks).as("b's only").isEqualTo(1);
    }
}
