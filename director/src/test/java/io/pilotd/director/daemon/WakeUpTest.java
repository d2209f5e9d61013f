package io.pilotd.director.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pilotd.director.config.DemandSettings;
import io.pilotd.director.config.DiracSettings;
import io.pilotd.director.config.Matching;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.Database;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.FakeDriverFactory;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.Slow;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.fakes.FakeCloud;
import io.pilotd.fakes.FakeDirac;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * New waiting jobs start their pilots at once, not at the queue's next period: the queues here
 * cycle once a day, so only a wake-up can start a pilot within the test.
 */
@Slow
class WakeUpTest {
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration MIN_GAP = Duration.ofSeconds(2);
    private static final Duration DEADLINE = Duration.ofSeconds(60);

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

    private static PilotdConfig withDemand(PilotdConfig config, DemandSettings demand, DiracSettings dirac) {
        return new PilotdConfig(config.director(), config.database(), config.proxy(), config.pilot(), config.sites(),
                config.queues(), demand, dirac, null);
    }

    private int pilots(String queue) {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from pilot where queue = :q")
                .bind("q", queue).mapTo(Integer.class).one());
    }

    private List<Instant> cycleStarts(String queue) {
        return db.jdbi().withHandle(h -> h.createQuery("select started_at from director_cycle where queue = :q order by started_at")
                .bind("q", queue).mapTo(Instant.class).list());
    }

    @Test
    void jobsAddedToPilotdsTaskQueueWakeTheQueueWithinItsLimitsAndMinimumGap() throws Exception {
        QueueConfig queue = Daemons.queue("woken", DAY, Duration.ZERO, 5);
        PilotdConfig config = withDemand(Daemons.config("wake-test", queue),
                new DemandSettings(DemandSettings.PILOTD, null, true, MIN_GAP), null);
        Queues.sync(db, queue);

        try (Director director = Director.start(config, db, DriverCatalog.load(), dataDir)) {
            Daemons.await("the cycle at start-up", DEADLINE, () -> Daemons.cycles(db, "woken") == 1);
            Queues.demand(db, "woken", 12);
            Daemons.await("a woken cycle, at most maxPerCycle = 5 pilots", DEADLINE, () -> pilots("woken") == 5);
            Queues.demand(db, "woken", 1);
            Daemons.await("a second woken cycle", DEADLINE, () -> pilots("woken") == 10);
        }
        List<Instant> starts = cycleStarts("woken");
        assertThat(starts).as("start-up, two wake-ups; no period passed").hasSize(3);
        assertThat(Duration.between(starts.get(1), starts.get(2))).as("never sooner than demand.minGap")
                .isGreaterThanOrEqualTo(MIN_GAP);
        assertThat(pilots("woken")).isEqualTo(10);
    }

    @Test
    void aFullQueueWhosePilotEndedIsWokenByNewJobsAndItsWokenCycleStartsAPilot() throws Exception {
        QueueConfig full = new QueueConfig("full", "SITE.full.de", "ce", "default", "fake", true, DAY, null,
                new QueueLimits(2, 2, 2, Duration.ofHours(1), null, null, null),
                new Matching(Queues.VO, null, null, null, null, 1, null, null), Map.of());
        PilotdConfig config = withDemand(Daemons.config("wake-full-test", full),
                new DemandSettings(DemandSettings.PILOTD, null, true, MIN_GAP), null);
        Queues.sync(db, full);
        Queues.demand(db, "full", 2);

        try (Director director = Director.start(config, db, DriverCatalog.load(), dataDir)) {
            FakeCloud cloud = FakeDriverFactory.cloud("full");
            // the cloud's two, not the rows: a row is written (Submitting) before its pilot reaches the cloud
            Daemons.await("the cycle at start-up fills the queue", DEADLINE, () -> cloud.resources().size() == 2);
            cloud.set(cloud.resources().get(0).jobRef(), PilotStatus.Done);
            cloud.set(cloud.resources().get(1).jobRef(), PilotStatus.Running);
            // No period passes (a day): only the wake-up of these jobs can find the freed slot.
            Queues.demand(db, "full", 1);
            Daemons.await("the woken cycle starts a pilot in the slot it found", DEADLINE, () -> pilots("full") == 3);
        }
        assertThat(cycleStarts("full")).as("start-up and one wake-up").hasSize(2);
    }

    @Test
    void diracsNewJobsStartPilotsThatDiracsPilotAgentsTableShows() throws Exception {
        FakeDirac fake = FakeDirac.fresh();
        DiracSettings.Connection dirac = new DiracSettings.Connection(fake.url(), FakeDirac.USER, null, null);
        QueueConfig queue = Daemons.queue("dq", DAY, Duration.ZERO, 10);
        PilotdConfig config = withDemand(Daemons.config("dirac-wake-test", queue),
                new DemandSettings(DemandSettings.DIRAC, Duration.ofSeconds(1), true, Duration.ofSeconds(1)),
                new DiracSettings(dirac, dirac, Duration.ofSeconds(1), null));
        Queues.sync(db, queue);

        try (Director director = Director.start(config, db, DriverCatalog.load(), dataDir)) {
            Daemons.await("the cycle at start-up", DEADLINE, () -> Daemons.cycles(db, "dq") == 1);
            long tq = fake.addTaskQueue(Queues.VO, "vo_user", 3600, true, Map.of("Sites", List.of(queue.site())), 3);
            fake.addTaskQueue(Queues.VO, "vo_user", 3600, true, Map.of("Sites", List.of("ELSEWHERE.site.de")), 4);
            Daemons.await("a pilot per DIRAC job this queue can run", DEADLINE, () -> pilots("dq") == 3);
            Daemons.await("the pilots in DIRAC's PilotAgents table", DEADLINE,
                    () -> pilotAgents(fake).equals(pilotRows("dq")));

            List<Long> covered = db.jdbi().withHandle(h -> h.createQuery(
                    "select distinct unnest(task_queues) from pilot where queue = 'dq'").mapTo(Long.class).list());
            assertThat(covered).as("each pilot records DIRAC's task queue it was started for").containsExactly(tq);
            assertThat(ClusterDuties.holders(db.jdbi())).as("alone, the director does the cluster's DIRAC work")
                    .extracting(ClusterDuties.Holder::duty, ClusterDuties.Holder::directorId)
                    .contains(tuple("dirac-poll", "dirac-wake-test"), tuple("pilotagents-mirror", "dirac-wake-test"));
        }
        assertThat(pilotAgents(fake)).hasSize(3);
        assertThat(ClusterDuties.holders(db.jdbi())).as("a stopped director gives its duties up at once").isEmpty();
    }

    /** stamp -> jobRef, site, CE, status of each PilotAgents row. */
    private static Map<String, String> pilotAgents(FakeDirac dirac) {
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = dirac.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT PilotStamp, PilotJobReference, GridSite, DestinationSite, Status FROM PilotAgents")) {
            while (rs.next()) {
                rows.put(rs.getString(1), String.join("|", rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)));
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    private Map<String, String> pilotRows(String queue) {
        Map<String, String> rows = new TreeMap<>();
        db.jdbi().useHandle(h -> h.createQuery("""
                        select stamp, 'pilotd://' || stamp, site, ce,
                               case status when 'Submitting' then 'Submitted' else status end
                        from pilot where queue = :q""")
                .bind("q", queue)
                .map((rs, ctx) -> rows.put(rs.getString(1), String.join("|", rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5))))
                .list());
        return rows;
    }
}
