package io.pilotd.director.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilotd.director.config.Matching;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.testing.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SchemaTest {
    private static final String STAMP_A = "0123456789abcdef0123456789abcdef";
    private static final String STAMP_B = "fedcba9876543210fedcba9876543210";

    private static Database db;

    @BeforeAll
    static void setUp() {
        db = TestDatabases.fresh();
        new QueueStore(db.jdbi()).sync(List.of(new QueueConfig("q1", "SITE.A.de", "ce1", "default", "local", true,
                Duration.ofMinutes(1), null, new QueueLimits(5, 5, 5, null, null, null, null), Matching.any(), Map.of())), true);
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private static void insert(Handle h, String stamp, String jobRef, String status) {
        h.createUpdate("""
                        insert into pilot (stamp, job_ref, queue, site, ce, driver, batch_id, director_id, status)
                        values (:stamp, :jobRef, 'q1', 'SITE.A.de', 'ce1', 'local', 'b1', 'd1', :status)""")
                .bind("stamp", stamp).bind("jobRef", jobRef).bind("status", status).execute();
    }

    @Test
    void stampIsUniqueForever() {
        db.jdbi().useHandle(h -> {
            insert(h, "11111111111111111111111111111111", null, "Submitting");
            assertThatThrownBy(() -> insert(h, "11111111111111111111111111111111", null, "Submitting"))
                    .isInstanceOf(UnableToExecuteStatementException.class)
                    .hasMessageContaining("pilot_stamp_key");
        });
    }

    @Test
    void stampMustBe32LowercaseHex() {
        db.jdbi().useHandle(h -> assertThatThrownBy(() -> insert(h, "0123456789ABCDEF0123456789ABCDEF", null, "Submitting"))
                .hasMessageContaining("pilot_stamp_check"));
    }

    @Test
    void jobRefIsUniqueWhenKnown() {
        db.jdbi().useHandle(h -> {
            insert(h, "22222222222222222222222222222222", null, "Submitting");
            insert(h, "33333333333333333333333333333333", null, "Submitting");
            insert(h, "44444444444444444444444444444444", "local://h/x", "Submitted");
            assertThatThrownBy(() -> insert(h, "55555555555555555555555555555555", "local://h/x", "Submitted"))
                    .hasMessageContaining("pilot_job_ref_key");
        });
    }

    @Test
    void statusMustBeOneOfDiracs() {
        db.jdbi().useHandle(h -> assertThatThrownBy(() -> insert(h, "66666666666666666666666666666666", null, "Finished"))
                .hasMessageContaining("pilot_status_check"));
    }

    @Test
    void everyStatusChangeIsWrittenToHistoryWithItsReason() {
        db.jdbi().useHandle(h -> {
            insert(h, STAMP_A, null, "Submitting");
            h.createUpdate("update pilot set status = 'Submitted', status_reason = 'accepted', job_ref = 'local://h/a' where stamp = :s")
                    .bind("s", STAMP_A).execute();
            h.createUpdate("update pilot set status_reason = 'same status, no history' where stamp = :s")
                    .bind("s", STAMP_A).execute();
            h.createUpdate("update pilot set status = 'Done', status_reason = 'exit code 0' where stamp = :s")
                    .bind("s", STAMP_A).execute();
            List<String> history = h.createQuery("""
                            select status || ':' || reason from pilot_status_history
                            where pilot_id = (select id from pilot where stamp = :s) order by id""")
                    .bind("s", STAMP_A).mapTo(String.class).list();
            assertThat(history).containsExactly("Submitting:", "Submitted:accepted", "Done:exit code 0");
            assertThat(h.createQuery("select finished_at is not null from pilot where stamp = :s")
                    .bind("s", STAMP_A).mapTo(Boolean.class).one()).isTrue();
        });
    }

    @Test
    void aFinalStatusNeverChanges() {
        db.jdbi().useHandle(h -> {
            insert(h, STAMP_B, null, "Aborted");
            assertThatThrownBy(() -> h.createUpdate("update pilot set status = 'Running' where stamp = :s")
                    .bind("s", STAMP_B).execute())
                    .hasMessageContaining("is Aborted (final) and cannot become Running");
        });
    }
}
