package io.pilotd.director.demand;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.DemandSettings;
import io.pilotd.director.config.DiracSettings;
import io.pilotd.director.dirac.DiracDatabase;
import io.pilotd.director.dirac.TaskQueueDbReader;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.SharedDemand;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.ManualTimer;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.Slow;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.fakes.FakeClock;
import io.pilotd.fakes.FakeDirac;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two and three directors of one cluster on one database, each with its own session for the
 * cluster's duties and its own way to DIRAC's TaskQueueDB (a real MariaDB), each ticking once a
 * poll period: one of them reads DIRAC, whoever dies or loses sight of DIRAC.
 */
@Slow
class DiracPollClusterTest {
    private static final Duration POLL = DemandSettings.defaults().poll();

    private final FakeClock clock = new FakeClock();
    private final List<Director> directors = new ArrayList<>();
    private Database db;
    private FakeDirac dirac;
    private long tq;

    /** A director, as far as the poll goes. */
    private record Director(String id, ClusterDuties duties, DiracTaskQueueDB source) {
    }

    @BeforeEach
    void setUp() throws Exception {
        db = TestDatabases.fresh();
        dirac = FakeDirac.fresh();
        new DemandStore(db.jdbi()).use(DemandSettings.DIRAC, false);
        Queues.sync(db, Queues.queue("plain", 100, 100, 100));
        tq = dirac.addTaskQueue(Queues.VO, "vo_user", 3600, true, Map.of(), 5);
    }

    @AfterEach
    void tearDown() {
        directors.forEach(d -> {
            d.source().close();
            d.duties().close();
        });
        db.close();
    }

    private Director director(String id, boolean reachesDirac) {
        String url = reachesDirac ? dirac.url() : "jdbc:mariadb://127.0.0.1:" + Daemons.freePort() + "/nothing";
        ClusterDuties duties = new ClusterDuties(db.jdbi(), id);
        Director d = new Director(id, duties, new DiracTaskQueueDB(new TaskQueueDbReader(DiracDatabase.open(
                "dirac.taskQueueDB", new DiracSettings.Connection(url, FakeDirac.USER, null, null), true, Map.of())),
                new DemandStore(db.jdbi()), duties, List.of("plain"), DemandSettings.defaults(), clock,
                ManualTimer.idle()));
        directors.add(d);
        return d;
    }

    /** One poll period: each director ticks once, in this order; those that read DIRAC. */
    private List<String> period(List<Director> order) {
        List<String> read = new ArrayList<>();
        for (Director d : order) {
            if (d.source().tick().isPresent()) {
                read.add(d.id());
            }
        }
        clock.advance(POLL);
        return read;
    }

    /** The director dies: its database session with it (as a kill -9 ends it), and it ticks no more. */
    private void kill(Director d) {
        int killed = db.jdbi().withHandle(h -> h.createQuery("""
                        select count(*) filter (where pg_terminate_backend(backend_pid, 30000)) from cluster_duty
                        where director_id = :id""")
                .bind("id", d.id()).mapTo(Integer.class).one());
        assertThat(killed).as("%s's session ended", d.id()).isEqualTo(1);
    }

    private String poller() {
        return ClusterDuties.holders(db.jdbi()).stream().filter(h -> h.duty().equals("dirac-poll"))
                .map(ClusterDuties.Holder::directorId).findFirst().orElse("nobody");
    }

    private int waitingJobs() {
        return new SharedDemand(db.jdbi()).of(List.of("plain")).get("plain").waitingJobs();
    }

    @ParameterizedTest(name = "{0} directors")
    @ValueSource(ints = {2, 3})
    void oneDirectorPollsAndTheNextTakesOverAtItsFirstTickAfterTheDeath(int size) throws Exception {
        List<Director> cluster = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            cluster.add(director("d" + i, true));
        }
        for (int p = 0; p < 5; p++) {
            assertThat(period(cluster)).as("period %d: one read, by the first to take the poll", p).containsExactly("d0");
        }
        assertThat(poller()).isEqualTo("d0");
        assertThat(waitingJobs()).isEqualTo(5);

        kill(cluster.get(0));
        List<Director> alive = cluster.subList(1, size);
        dirac.addJobs(tq, 3);
        assertThat(alive.get(0).source().tick()).as("the first tick after the poller's death takes the poll")
                .hasValueSatisfying(grown -> assertThat(grown).containsExactly(tq));
        assertThat(poller()).isEqualTo("d1");
        assertThat(waitingJobs()).isEqualTo(8);
        clock.advance(POLL);
        for (int p = 0; p < 3; p++) {
            assertThat(period(alive)).containsExactly("d1");
        }
    }

    @ParameterizedTest(name = "{0} directors")
    @ValueSource(ints = {2, 3})
    void aDirectorThatCannotReachDiracNeverZeroesTheDemandOthersKeepFresh(int size) throws Exception {
        Director blind = director("blind", false);
        List<Director> cluster = new ArrayList<>(List.of(blind));
        for (int i = 1; i < size; i++) {
            cluster.add(director("d" + i, true));
        }
        assertThat(period(cluster)).as("the blind one took the poll first, and handed it over").containsExactly("d1");
        assertThat(waitingJobs()).isEqualTo(5);

        // Twice as long as the picture is trusted unread, the blind director ticking first in every period.
        int periods = (int) (2 * DiracTaskQueueDB.LEAST_STALE.toMillis() / POLL.toMillis());
        for (int p = 0; p < periods; p++) {
            assertThat(period(cluster)).as("period %d", p).containsExactly("d1");
            assertThat(waitingJobs()).as("period %d: the jobs DIRAC holds", p).isEqualTo(5);
        }

        kill(cluster.get(1));
        List<Director> alive = new ArrayList<>(cluster);
        alive.remove(1);
        // the blind one ticks first, takes the poll, fails and hands it over: with a third, it reads in the same period
        assertThat(period(alive)).isEqualTo(size == 3 ? List.of("d2") : List.of());
        assertThat(waitingJobs()).as("alone, the blind one keeps the picture while it is trusted (DiracMatchingTest:"
                + " then no job)").isEqualTo(5);
    }
}
