package io.pilotd.director.store;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Marks a submission as in flight: a PostgreSQL advisory lock on the batch id, held on a
 * connection of its own for as long as the driver call lasts. The lock dies with its process,
 * so a batch whose lock is free while its rows are still {@code Submitting} was cut short
 * (a crash, a kill -9), and only then may its rows be resolved.
 *
 * <p>The submission does all its database work on the lease's {@link #handle()}, so that it
 * needs one connection, never two at once (which a full pool could deadlock).
 */
public final class SubmissionLease implements AutoCloseable {
    private static final String KEY = "hashtextextended(:batch, 0)";

    private final Handle handle;
    private final String batchId;

    private SubmissionLease(Handle handle, String batchId) {
        this.handle = handle;
        this.batchId = batchId;
    }

    /** Takes the lease; take it before the batch's rows are written. */
    public static SubmissionLease take(Jdbi jdbi, String batchId) {
        Handle handle = jdbi.open();
        try {
            handle.createQuery("select true from pg_advisory_lock(" + KEY + ")").bind("batch", batchId).mapTo(Boolean.class).one();
            return new SubmissionLease(handle, batchId);
        } catch (RuntimeException e) {
            handle.close();
            throw e;
        }
    }

    public Handle handle() {
        return handle;
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
            handle.createQuery("select pg_advisory_unlock(" + KEY + ")").bind("batch", batchId).mapTo(Boolean.class).one();
        } finally {
            handle.close();
        }
    }
}
