package io.pilotd.director.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.BatchStamps;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Old cycle records and ended pilots' old history go, in bounded batches; the rest stays. */
class RetentionTest {
    private static final Instant NOW = Instant.parse("2026-11-25T00:00:00Z");
    private static final Duration MONTH = Duration.ofDays(30);
    private Database db;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        Queues.sync(db, Queues.queue("q", 10, 10, 10));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private void cycle(Instant started) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                        insert into director_cycle (queue, director_id, started_at, ended_at, demand, waiting, alive,
                                                    submitted, deciding_factor)
                        values ('q', 'd', :at, :at, 0, 0, 0, 0, 'demand')""").bind("at", started).execute());
    }

    /** A pilot that went through these statuses, its whole history dated {@code at}. */
    private void audit(Instant at) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                        insert into endpoint_audit (at, remote, method, path, status, outcome)
                        values (:at, '127.0.0.1', 'POST', '/submitjob', 401, 'no x-api-key header')""")
                .bind("at", at).execute());
    }

    private long pilot(int n, Instant at, String... statuses) {
        long id = db.jdbi().withHandle(h -> h.createQuery("""
                        insert into pilot (stamp, queue, site, ce, driver, batch_id, director_id, status)
                        values (:stamp, 'q', 'site', 'ce', 'fake', 'b', 'd', :status) returning id""")
                .bind("stamp", BatchStamps.stamp("retention", n)).bind("status", statuses[0]).mapTo(Long.class).one());
        for (int i = 1; i < statuses.length; i++) {
            String status = statuses[i];
            db.jdbi().useHandle(h -> h.createUpdate("update pilot set status = :s where id = :id")
                    .bind("s", status).bind("id", id).execute());
        }
        db.jdbi().useHandle(h -> h.createUpdate("update pilot_status_history set at = :at where pilot_id = :id")
                .bind("at", at).bind("id", id).execute());
        return id;
    }

    private long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    @Test
    void oldCyclesAndEndedPilotsOldHistoryGoInBoundedRunsAndNothingElse() {
        for (int i = 0; i < 7; i++) {
            cycle(NOW.minus(MONTH).minusSeconds(60 + i));
        }
        cycle(NOW.minus(MONTH).plusSeconds(60));
        long ended = pilot(1, NOW.minus(Duration.ofDays(40)), "Submitting", "Submitted", "Running", "Done");
        long live = pilot(2, NOW.minus(Duration.ofDays(40)), "Submitting", "Running");
        long recent = pilot(3, NOW.minus(Duration.ofDays(2)), "Submitting", "Failed");
        for (int i = 0; i < 4; i++) {
            audit(NOW.minus(Duration.ofDays(91)).minusSeconds(i));
        }
        audit(NOW.minus(Duration.ofDays(89)));
        Retention retention = new Retention(db.jdbi(), 3, 2);

        Retention.Trimmed first = retention.trim(NOW.minus(MONTH), NOW.minus(MONTH), NOW.minus(Duration.ofDays(90)));
        assertThat(first).isEqualTo(new Retention.Trimmed(6, 4, 4, true));
        Retention.Trimmed second = retention.trim(NOW.minus(MONTH), NOW.minus(MONTH), NOW.minus(Duration.ofDays(90)));
        assertThat(second).isEqualTo(new Retention.Trimmed(1, 0, 0, false));
        assertThat(count("select count(*) from endpoint_audit")).as("the audit row inside 90 days").isEqualTo(1);

        assertThat(count("select count(*) from director_cycle")).as("the cycle inside the month").isEqualTo(1);
        assertThat(count("select count(*) from pilot_status_history where pilot_id = " + ended)).isZero();
        assertThat(count("select count(*) from pilot_status_history where pilot_id = " + live))
                .as("a live pilot keeps its history").isEqualTo(2);
        assertThat(count("select count(*) from pilot_status_history where pilot_id = " + recent)).isEqualTo(2);
        assertThat(count("select count(*) from pilot")).as("pilots are kept").isEqualTo(3);
    }
}
