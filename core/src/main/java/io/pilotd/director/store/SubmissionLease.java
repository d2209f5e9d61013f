package io.pilotd.director.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Marks a submission as in flight: a PostgreSQL advisory lock on the batch id, held on a
 * connection of its own for as long as the driver call lasts. It is taken by the statement that
 * writes the batch's rows ({@link PilotStore#insertSubmitting}), so the rows never exist unleased
 * and a cycle that submits nothing takes none. The lock dies with its process,
 * so a batch whose lock is free while its rows are still {@code Submitting} was cut short
 * (a crash, a kill -9), and only then may its rows be resolved.
 *
 * <p>The submission does all its database work on the lease's {@link #handle()}, so that it
 * needs one connection, never two at once (which a full pool could deadlock).
 */
public final class SubmissionLease implements AutoCloseable {
    private static final String KEY = "hashtextextended(:batch, 0)";
    /** Takes the lease, in the statement that writes the batch's rows ({@code :batch} bound to its id). */
    static final String TAKE = "pg_advisory_lock(" + KEY + ")";

    private final Handle handle;
    private final String batchId;
    private boolean mayBeHeld;

    private SubmissionLease(Handle handle, String batchId) {
        this.handle = handle;
        this.batchId = batchId;
    }

    /** A connection for the batch's database work; the lease itself is taken with its rows. */
    public static SubmissionLease open(Jdbi jdbi, String batchId) {
        return new SubmissionLease(jdbi.open(), batchId);
    }

    public Handle handle() {
        return handle;
    }

    public String batchId() {
        return batchId;
    }

    /**
     * A statement with {@link #TAKE} is about to run: from now on the lease may be held, and is
     * released on close (session locks outlive a rolled-back transaction).
     */
    void taking() {
        mayBeHeld = true;
    }

    /** True when no live process holds this batch's lease. */
    public static boolean isAbandoned(Jdbi jdbi, String batchId) {
        return jdbi.withHandle(h -> {
            boolean free = h.createQuery("select pg_try_advisory_lock(" + KEY + ")").bind("batch", batchId)
                    .mapTo(Boolean.class).one();
            if (free) {
                h.createQuery("select pg_advisory_unlock(" + KEY + ")").bind("batch", batchId).mapTo(Boolean.class).one();
            }
            return free;
        });
    }

    @Override
    public void close() {
        try {
            if (mayBeHeld) {
                handle.createQuery("select pg_advisory_unlock(" + KEY + ")").bind("batch", batchId).mapTo(Boolean.class).one();
            }
        } finally {
            handle.close();
        }
    }
}
