package io.pilotd.director.dirac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilotd.director.config.DemandSettings;
import io.pilotd.director.config.DiracSettings;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.DemandStore;
import io.pilotd.director.store.PilotAgentsOutbox;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.SeededPilots;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.fakes.FakeDirac;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** pilotd's pilots in DIRAC's PilotAgents table (a real MariaDB), in step, whatever DIRAC's database does. */
class PilotAgentsMirrorTest {
    private Database db;
    private FakeDirac dirac;
    private PilotAgentsOutbox outbox;

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
        db.close();
    }

    private static DiracSettings.Connection settings(FakeDirac dirac) {
        return new DiracSettings.Connection(dirac.url(), FakeDirac.USER, null, null);
    }

    private PilotAgentsMirror mirror(DiracSettings.Connection to) {
        return new PilotAgentsMirror(outbox, new PilotAgentsWriter(DiracDatabase.open("dirac.pilotAgentsDB", to, false, Map.of())));
    }

    /** jobRef -> stamp, site, CE, queue, status, reason of each PilotAgents row. */
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
                        select p.job_ref, p.stamp, p.site, p.ce, q.ce_queue, coalesce(p.vo, ''), p.driver, p.status, p.status_reason
                        from pilot p join queue q on q.name = p.queue where p.job_ref is not null""")
                .map((rs, ctx) -> rows.put(rs.getString(1), String.join("|", rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9))))
                .list());
        return rows;
    }

    private void setStatus(String status, String reason, int limit) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                        update pilot set status = :s, status_reason = :r
                        where id in (select id from pilot where status not in ('Done', 'Failed') order by id limit :n)""")
                .bind("s", status).bind("r", reason).bind("n", limit).execute());
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
        assertThat(outbox.pending()).as("every change kept").isEqualTo(submitted + 20);
        try (PilotAgentsMirror up = mirror(settings(dirac))) {
            assertThat(up.round()).isEqualTo(submitted + 20);
        }
        assertThat(pilotAgents()).hasSize(50).isEqualTo(pilots());
        assertThat(outbox.pending()).isZero();
    }

    @Test
    void aBatchWrittenTwiceLeavesOneRowPerPilot() throws Exception {
        new SeededPilots(db).add(30, "q", Duration.ofMinutes(5), Duration.ofMinutes(1), "submitted", "Submitted");
        PilotAgentsWriter writer = new PilotAgentsWriter(DiracDatabase.open("dirac.pilotAgentsDB", settings(dirac), false, Map.of()));
        try (PilotAgentsMirror mirror = new PilotAgentsMirror(outbox, writer)) {
            // the first copy's answer lost: its rows are in PilotAgents, its changes still in the outbox
            assertThatThrownBy(() -> outbox.drain(1000, pilots -> {
                writer.write(pilots);
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
        assertThat(outbox.pending()).as("a pilot without a jobRef is not DIRAC's to see").isZero();
    }
}
