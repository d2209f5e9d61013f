package io.pilotd.director.testing;

import io.pilotd.director.store.Database;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Pilots written straight into the database with the times a test gives them, for the tests of
 * what reads pilots back (reports, metrics, the status page).
 */
public final class SeededPilots {
    private static final AtomicInteger BATCHES = new AtomicInteger();
    private final Database db;

    public SeededPilots(Database db) {
        this.db = db;
    }

    /**
     * {@code count} pilots of {@code queue} that went through {@code statuses} (the last is the
     * one they are in), submitted {@code age} ago and in that last status for {@code inStatus},
     * with {@code reason} as its reason. They are one batch, written a statement per status.
     */
    public void add(int count, String queue, Duration age, Duration inStatus, String reason, String... statuses) {
        if (count == 0) {
            return;
        }
        String batch = "seeded-" + BATCHES.incrementAndGet();
        Instant now = Instant.now();
        Instant changed = now.minus(inStatus);
        boolean ended = statuses.length > 0 && isFinal(statuses[statuses.length - 1]);
        db.jdbi().useTransaction(h -> {
            h.createUpdate("""
                            insert into pilot (stamp, job_ref, queue, site, ce, driver, batch_id, director_id, status,
                                               driver_setup_id)
                            select md5(:batch || '/' || i), 'fake://seeded/' || :batch || '/' || i, name, site, ce, driver,
                                   :batch, 'test', 'Submitting', driver_setup_id
                            from queue, generate_series(1, :count) as i where name = :queue""")
                    .bind("batch", batch).bind("count", count).bind("queue", queue).execute();
            for (String status : statuses) {
                h.createUpdate("update pilot set status = :s, status_reason = :r where batch_id = :batch")
                        .bind("s", status).bind("r", reason).bind("batch", batch).execute();
            }
            h.createUpdate("""
                            update pilot set submitted_at = :submitted, updated_at = :changed, finished_at = :finished
                            where batch_id = :batch""")
                    .bind("submitted", now.minus(age)).bind("changed", changed).bind("finished", ended ? changed : null)
                    .bind("batch", batch).execute();
        });
    }

    private static boolean isFinal(String status) {
        return switch (status) {
            case "Done", "Failed", "Aborted", "Deleted" -> true;
            default -> false;
        };
    }
}
