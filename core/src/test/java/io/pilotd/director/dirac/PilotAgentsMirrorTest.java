package io.pilotd.director.dirac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilotd.director.config.DemandSettings;
import io.pilotd.director.config.DiracSettings;
import io.pilotd.director.demand.DemandStore;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.SeededPilots;
import io.pilotd.director.testing.Slow;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.fakes.FakeClock;
import io.pilotd.fakes.FakeDirac;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** pilotd's pilots in DIRAC's PilotAgents table (a real MariaDB), in step, whatever DIRAC's database does. */
@Slow
class PilotAgentsMirrorTest {
    private final FakeClock clock = new FakeClock();
    private Database db;
    private FakeDirac dirac;
    private PilotAgentsOutbox outbox;
    private final List<ClusterDuties> duties = new ArrayList<>();

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        dirac = FakeDirac.fresh();
        Queues.sync(db, Queues.queue("q", 100, 100, 100));
        new DemandStore(db.jdbi()).use(DemandSettings.PILOTD, true);
        outbox = new PilotAgentsOutbox(db.jdbi());
    }

    @AfterEach
    void tearDown() {
        duties.forEach(ClusterDuties::close);
        db.close();
    }

    /** A director's part in the cluster's duties: each mirror here stands for a director of its own. */
    private ClusterDuties duties() {
        ClusterDuties d = new ClusterDuties(db.jdbi(), "director-" + duties.size());
        duties.add(d);
        return d;
    }

    private static DiracSettings.Connection settings(FakeDirac dirac) {
        return new DiracSettings.Connection(dirac.url(), FakeDirac.USER, null, null);
    }

    private PilotAgentsMirror mirror(DiracSettings.Connection to) {
        return mirror(to, clock);
    }

    private PilotAgentsMirror mirror(DiracSettings.Connection to, Clock clock) {
        return new PilotAgentsMirror(outbox, writer(to), new PilotStore(db.jdbi()), duties(), clock, DiracSettings.none().touchEvery());
    }

    private static PilotAgentsWriter writer(DiracSettings.Connection to) {
        return new PilotAgentsWriter(DiracDatabase.open("dirac.pilotAgentsDB", to, false, Map.of()));
    }

    /** reference -> stamp, site, CE, queue, VO, grid type, status, reason of each PilotAgents row. */
    private Map<String, String> pilotAgents() throws Exception {
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = dirac.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT PilotJobReference, PilotStamp, GridSite, DestinationSite, Queue, VO, GridType, Status, StatusReason
                     FROM PilotAgents""")) {
            while (rs.next()) {
                String before = rows.put(rs.getString(1), String.join("|", rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)));
                assertThat(before).as("one row per pilot: %s", rs.getString(1)).isNull();
            }
        }
        return rows;
    }

    /** The same, from pilotd's database: what PilotAgents must show. */
    private Map<String, String> pilots() {
        Map<String, String> rows = new TreeMap<>();
        db.jdbi().useHandle(h -> h.createQuery("""
                        select 'pilotd://' || p.stamp, p.stamp, p.site, p.ce, q.ce_queue, coalesce(p.vo, ''), 'Pilotd',
                               case p.status when 'Submitting' then 'Submitted' else p.status end, p.status_reason
                        from pilot p join queue q on q.name = p.queue""")
                .map((rs, ctx) -> rows.put(rs.getString(1), String.join("|", rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9))))
                .list());
        return rows;
    }

    private void setStatus(String status, String reason, int limit) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                        update pilot set status = :s, status_reason = :r
                        where id in (select id from pilot where pilot_is_alive(status) order by id limit :n)""")
                .bind("s", status).bind("r", reason).bind("n", limit).execute());
    }

    @Test
    void theJobsDiracGaveEachPilotThatEndedAreReadFromItsJobToPilotMapping() throws Exception {
        new DemandStore(db.jdbi()).use(DemandSettings.DIRAC, true);
        new SeededPilots(db).add(2, "q", Duration.ofMinutes(5), Duration.ofMinutes(1), "submitted", "Submitted");
        List<String> stamps = db.jdbi().withHandle(h -> h.createQuery("select stamp from pilot order by id").mapTo(String.class).list());
        try (PilotAgentsMirror mirror = mirror(settings(dirac))) {
            mirror.round();
            // DIRAC's Matcher gives the first pilot two jobs, the second none
            dirac.matchJob(DiracReference.of(stamps.get(0)), "SITE.q.de", "ce", 1.0, 7001);
            dirac.matchJob(DiracReference.of(stamps.get(0)), "SITE.q.de", "ce", 1.0, 7002);
            setStatus("Running", "started", 2);
            mirror.round();
            assertThat(jobs()).as("not known while they run").containsExactly(null, null);
            setStatus("Done", "pilot ended: 0", 2);
            assertThat(jobs()).as("not known from pilotd's own task queue: the demand is DIRAC's").containsExactly(null, null);

            mirror.round();

            assertThat(jobs()).containsExactly(2, 0);
        }
    }

    /** Each pilot's jobs, in the order the pilots were made. */
    private List<Integer> jobs() {
        return db.jdbi().withHandle(h -> h.createQuery("select jobs from pilot order by id").mapTo(Integer.class).list());
    }

    @Test
    void everyPilotWithAJobRefIsCopiedAndKeptInStep() throws Exception {
        new SeededPilots(db).add(1200, "q", Duration.ofMinutes(5), Duration.ofMinutes(1), "submitted", "Submitted");
        try (PilotAgentsMirror mirror = mirror(settings(dirac))) {
            assertThat(mirror.round()).isPositive();
            assertThat(pilotAgents()).hasSize(1200).isEqualTo(pilots());

            setStatus("Running", "started", 700);
            setStatus("Done", "pilot ended: 0", 300);
            assertThat(mirror.round()).isPositive();
            assertThat(pilotAgents()).hasSize(1200).isEqualTo(pilots());
            assertThat(outbox.pending()).isZero();
            assertThat(mirror.round()).as("nothing changed since").isZero();
        }
    }

    @Test
    void anOutageOfDiracsDatabaseKeepsTheChangesUntilItAnswersAgain() throws Exception {
        new SeededPilots(db).add(50, "q", Duration.ofMinutes(5), Duration.ofMinutes(1), "submitted", "Submitted");
        DiracSettings.Connection away = new DiracSettings.Connection("jdbc:mariadb://127.0.0.1:" + Daemons.freePort() + "/nothing",
                FakeDirac.USER, null, null);
        long submitted = outbox.pending();
        setStatus("Running", "started", 20);
        try (PilotAgentsMirror down = mirror(away)) {
            assertThat(down.round()).isZero();
        }
        assertThat(outbox.pending()).as("every change kept, and the 50 live pilots queued to be written again")
                .isEqualTo(submitted + 20 + 50);
        try (PilotAgentsMirror up = mirror(settings(dirac))) {
            assertThat(up.round()).as("with its own first touch").isEqualTo(submitted + 20 + 50 + 50);
        }
        assertThat(pilotAgents()).hasSize(50).isEqualTo(pilots());
        assertThat(outbox.pending()).isZero();
    }

    @Test
    void aBatchWrittenTwiceLeavesOneRowPerPilot() throws Exception {
        new SeededPilots(db).add(30, "q", Duration.ofMinutes(5), Duration.ofMinutes(1), "submitted", "Submitted");
        PilotAgentsWriter writer = writer(settings(dirac));
        try (PilotAgentsMirror mirror = new PilotAgentsMirror(outbox, writer, new PilotStore(db.jdbi()), duties(), clock,
                DiracSettings.none().touchEvery())) {
            // the first copy's answer lost: its rows are in PilotAgents, its changes still in the outbox
            assertThatThrownBy(() -> outbox.drain(1000, pilots -> {
                writer.write(pilots, clock.instant());
                throw new IllegalStateException("answer lost");
            })).hasMessage("answer lost");
            assertThat(pilotAgents()).hasSize(30);
            assertThat(mirror.round()).isPositive();
            assertThat(pilotAgents()).hasSize(30).isEqualTo(pilots());
        }
    }

    @Test
    void aMirrorTurnedOnCopiesWhatDiracHasYetToSeeAndNothingElse() throws Exception {
        DemandStore demand = new DemandStore(db.jdbi());
        demand.use(DemandSettings.PILOTD, false);
        new SeededPilots(db).add(5, "q", Duration.ofMinutes(5), Duration.ofMinutes(1), "submitted", "Submitted");
        new SeededPilots(db).add(4, "q", Duration.ofHours(5), Duration.ofHours(1), "ended", "Submitted", "Running", "Done");
        assertThat(outbox.pending()).as("nothing queued while the mirror is off").isZero();

        demand.use(DemandSettings.PILOTD, true);
        assertThat(outbox.pending()).as("turned on: the live pilots").isEqualTo(5);
        try (PilotAgentsMirror mirror = mirror(settings(dirac))) {
            mirror.round();
            demand.use(DemandSettings.PILOTD, false);
            setStatus("Done", "pilot ended: 0", 2);
            demand.use(DemandSettings.PILOTD, true);
            assertThat(outbox.pending()).as("on again: the 3 live, and the 2 that ended while it was off").isEqualTo(5);
            mirror.round();
        }
        Map<String, String> shown = pilots();
        shown.values().removeIf(row -> row.contains("|ended"));
        assertThat(pilotAgents()).isEqualTo(shown);

        db.jdbi().useHandle(h -> h.execute("""
                insert into pilot (stamp, queue, site, ce, driver, batch_id, director_id, status)
                select md5('no-ref'), name, site, ce, driver, 'b', 'test', 'Submitting' from queue where name = 'q'"""));
        assertThat(outbox.pending()).as("a pilot's intent, before the cloud answers for it, is DIRAC's to see").isEqualTo(1);
    }

    private String onlyStamp() {
        return db.jdbi().withHandle(h -> h.createQuery("select stamp from pilot").mapTo(String.class).one());
    }

    private String row(String reference, String columns) throws Exception {
        try (Connection c = dirac.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT " + columns + " FROM PilotAgents WHERE PilotJobReference = '" + reference + "'")) {
            assertThat(rs.next()).as("a row for %s", reference).isTrue();
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.append(i > 1 ? "|" : "").append(rs.getString(i));
            }
            return row.toString();
        }
    }

    @Test
    void aPilotThatRegisteredBeforeTheMirrorWroteKeepsOneRowWithPilotdsFieldsAndDiracsRunning() throws Exception {
        new SeededPilots(db).add(1, "q", Duration.ofMinutes(5), Duration.ofMinutes(1), "submitted", "Submitted");
        String stamp = onlyStamp();
        String reference = "pilotd://" + stamp;
        // DIRAC's pilot, with the reference its PILOT_UUID gives it, registers and takes a job first.
        dirac.registerPilot(reference, Queues.VO, "DIRAC", stamp, "Running");
        dirac.matchJob(reference, "SITE.q.de", "ce.q", 8.5, 4242);

        try (PilotAgentsMirror mirror = mirror(settings(dirac))) {
            mirror.round();
        }
        assertThat(pilotAgents()).as("one row").hasSize(1);
        assertThat(row(reference, "PilotStamp, GridType, DestinationSite, Queue, GridSite, Status, BenchMark, CurrentJobID"))
                .isEqualTo(stamp + "|Pilotd|ce.q|default|SITE.q.de|Running|8.5|4242");
        assertThat(row(reference, "(SELECT COUNT(*) FROM JobToPilotMapping m WHERE m.PilotID = PilotAgents.PilotID"
                + " AND m.JobID = 4242)")).as("the job mapped to pilotd's row").isEqualTo("1");
    }

    @Test
    void aStatusNeverMovesBackRunningIsNotOverwrittenBySubmittedNorAFinalStatusByAnything() throws Exception {
        new SeededPilots(db).add(1, "q", Duration.ofMinutes(5), Duration.ofMinutes(1), "submitted", "Submitted");
        String reference = "pilotd://" + onlyStamp();
        try (PilotAgentsMirror mirror = mirror(settings(dirac))) {
            mirror.round();
            assertThat(row(reference, "Status, StatusReason")).isEqualTo("Submitted|submitted");
            dirac.matchJob(reference, "SITE.q.de", "ce.q", 8.5, 4243);

            setStatus("Waiting", "queued by the cloud", 1);
            mirror.round();
            assertThat(row(reference, "Status, StatusReason")).as("DIRAC's Running stays, with its reason")
                    .isEqualTo("Running|Not given");

            setStatus("Running", "started", 1);
            mirror.round();
            assertThat(row(reference, "Status, StatusReason")).isEqualTo("Running|started");

            // DIRAC's PilotStatusAgent took it for stalled; pilotd's Done does not bring it back.
            try (Connection c = dirac.connect(); Statement s = c.createStatement()) {
                s.executeUpdate("UPDATE PilotAgents SET Status = 'Deleted', StatusReason = 'stalled'");
            }
            setStatus("Done", "pilot ended: 0", 1);
            mirror.round();
            assertThat(row(reference, "Status, StatusReason")).isEqualTo("Deleted|stalled");
        }
    }

    @Test
    void aPilotAliveForFiveDaysIsNeverTakenForAStalledOne() throws Exception {
        new SeededPilots(db).add(3, "q", Duration.ofMinutes(5), Duration.ofMinutes(1), "running", "Running");
        Duration every = Duration.ofMinutes(30);
        int touches = 0;
        try (PilotAgentsMirror mirror = mirror(settings(dirac))) {
            for (Duration alive = Duration.ZERO; alive.compareTo(Duration.ofDays(5)) <= 0; alive = alive.plus(every)) {
                if (mirror.round() > 0) {
                    touches++;
                }
                assertThat(dirac.stalledPilots(clock.instant(), 3)).as("after %s", alive).isEmpty();
                clock.advance(every);
            }
        }
        assertThat(touches).as("the pilots never changed: each write was a touch, every 12 hours").isEqualTo(11);
        assertThat(dirac.stalledPilots(clock.instant().plus(Duration.ofDays(3)), 3))
                .as("without a touch, DIRAC's PilotStatusAgent would take them in 3 days").hasSize(3);
    }
}
