package io.pilotd.director.store;

import java.time.Instant;
import org.jdbi.v3.core.Jdbi;

/**
 * Deletes old history in batches of a bounded size, each its own transaction, so that a backlog
 * of millions of rows never holds long locks or one huge transaction; a run stops after a
 * bounded number of batches and the next run goes on.
 */
public final class Retention {
    /** What one run deleted, and whether it stopped with more to delete. */
    public record Trimmed(long cycles, long history, long audit, boolean more) {
    }

    private final Jdbi jdbi;
    private final int batch;
    private final int batchesPerRun;

    public Retention(Jdbi jdbi, int batch, int batchesPerRun) {
        this.jdbi = jdbi;
        this.batch = batch;
        this.batchesPerRun = batchesPerRun;
    }

    /**
     * @param cyclesBefore  cycle records that started before this go
     * @param historyBefore status changes before this go, of pilots that have ended
     * @param auditBefore   the endpoint's audit rows before this go
     */
    public Trimmed trim(Instant cyclesBefore, Instant historyBefore, Instant auditBefore) {
        long cycles = 0;
        long history = 0;
        long audit = 0;
        int batches = 0;
        boolean more = true;
        while (more && batches < batchesPerRun) {
            int c = deleteCycles(cyclesBefore);
            int h = deleteHistory(historyBefore);
            int a = deleteAudit(auditBefore);
            cycles += c;
            history += h;
            audit += a;
            batches++;
            more = c == batch || h == batch || a == batch;
        }
        return new Trimmed(cycles, history, audit, more);
    }

    private int deleteAudit(Instant before) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        delete from endpoint_audit where id in (
                            select id from endpoint_audit where at < :before limit :batch)""")
                .bind("before", before).bind("batch", batch).execute());
    }

    private int deleteCycles(Instant before) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        delete from director_cycle where id in (
                            select id from director_cycle where started_at < :before limit :batch)""")
                .bind("before", before).bind("batch", batch).execute());
    }

    private int deleteHistory(Instant before) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        delete from pilot_status_history where id in (
                            select h.id from pilot_status_history h join pilot p on p.id = h.pilot_id
                            where h.at < :before and pilot_is_final(p.status)
                            limit :batch)""")
                .bind("before", before).bind("batch", batch).execute());
    }
}
