package io.pilotd.director.store;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a queue's cycles one at a time, across the directors of a cluster and the threads of
 * one, whatever the scheduler does: a PostgreSQL advisory lock per queue, all held on one
 * connection of this director's own, so they die with its process.
 *
 * <p>Quartz's {@code @DisallowConcurrentExecution} is not enough alone. When a node finds a
 * trigger it acquired blocked by another node's firing of the same job, it releases it, and the
 * release sets it from BLOCKED back to WAITING while the other node still runs the job; and a
 * node that pauses longer than the check-in margin is recovered by the others while it runs.
 */
public final class CycleLocks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CycleLocks.class);
    private static final String KEY = "hashtextextended('pilotd cycle ' || :queue, 0)";

    /** A queue's lock, held until closed. */
    public final class Held implements AutoCloseable {
        private final String queue;

        private Held(String queue) {
            this.queue = queue;
        }

        @Override
        public void close() {
            unlock(queue);
        }
    }

    private final Jdbi jdbi;
    private final Set<String> held = new HashSet<>();
    private Handle session;

    public CycleLocks(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * @return the queue's lock, or empty when a cycle of it runs already, in this director or in
     *         another
     */
    public synchronized Optional<Held> tryLock(String queue) {
        // Advisory locks are re-entrant within a session: this director's own cycles are told apart here.
        if (held.contains(queue)) {
            return Optional.empty();
        }
        boolean locked;
        try {
            locked = tryAdvisoryLock(queue);
        } catch (RuntimeException broken) {
            // The session broke since the last cycle (a database restart, say), and its locks
            // with it: a new one is tried, once.
            drop();
            try {
                locked = tryAdvisoryLock(queue);
            } catch (RuntimeException e) {
                drop();
                throw e;
            }
        }
        if (!locked) {
            return Optional.empty();
        }
        held.add(queue);
        return Optional.of(new Held(queue));
    }

    private boolean tryAdvisoryLock(String queue) {
        return session().createQuery("select pg_try_advisory_lock(" + KEY + ")").bind("queue", queue)
                .mapTo(Boolean.class).one();
    }

    private synchronized void unlock(String queue) {
        held.remove(queue);
        if (session == null) {
            return;
        }
        try {
            boolean was = session.createQuery("select pg_advisory_unlock(" + KEY + ")").bind("queue", queue)
                    .mapTo(Boolean.class).one();
            if (!was) {
                log.warn("[{}] the cycle's lock was lost while it ran (its database session broke): another director"
                        + " may have cycled this queue at the same time", queue);
            }
        } catch (RuntimeException e) {
            // The session is broken, and its locks went with it.
            drop();
        }
    }

    private Handle session() {
        if (session == null) {
            session = jdbi.open();
        }
        return session;
    }

    private void drop() {
        if (session != null) {
            try {
                session.close();
            } catch (RuntimeException e) {
                log.debug("closing a broken cycle-lock session: {}", e.getMessage());
            }
            session = null;
        }
    }

    @Override
    public synchronized void close() {
        drop();
    }
}
