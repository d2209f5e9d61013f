package io.pilotd.director.store;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work that is done once per database, however many directors share it (V17): each duty is
 * held by one director at a time, through a PostgreSQL advisory lock on one connection of this
 * director's own. The lock dies with the process (or its connection), and every other director
 * tries to take each duty at every period of it: a dead holder's duty is taken within one period.
 *
 * <p>A holder that cannot do the duty (the outside database it needs is out of its reach) hands
 * it over, so that a director that can takes it; the periods it then stands aside are the
 * caller's.
 */
public final class ClusterDuties implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterDuties.class);
    /** Apart from the other two-int key spaces: 7 directors, 16 the outbox, 17-19 a decision's locks. */
    static final int LOCK_SPACE = 20;

    /** Each duty, with its lock's number (never reused: V17's cluster_duty keys it). */
    public enum Duty {
        DIRAC_POLL("dirac-poll", 1),
        PILOT_AGENTS_MIRROR("pilotagents-mirror", 2),
        RETENTION("retention", 3);

        private final String label;
        private final int key;

        Duty(String label, int key) {
            this.label = label;
            this.key = key;
        }

        /** Its name in the metrics, the status page and the logs. */
        public String label() {
            return label;
        }
    }

    /** A duty held now, by whom, since when. */
    public record Holder(String duty, String directorId, Instant since) {
    }

    private final Jdbi jdbi;
    private final String directorId;
    private final Set<Duty> held = EnumSet.noneOf(Duty.class);
    private Handle session;

    public ClusterDuties(Jdbi jdbi, String directorId) {
        this.jdbi = jdbi;
        this.directorId = directorId;
    }

    /**
     * Takes the duty when no director holds it, or finds that this one still does.
     *
     * @return true while this director holds it
     */
    public synchronized boolean hold(Duty duty) {
        if (held.contains(duty)) {
            try {
                session().createQuery("select true").mapTo(Boolean.class).one();
                return true;
            } catch (RuntimeException broken) {
                // The session broke, and every lock with it: the duties are to be taken again.
                drop();
            }
        }
        boolean locked;
        try {
            locked = tryLock(duty);
        } catch (RuntimeException broken) {
            drop();
            try {
                locked = tryLock(duty);
            } catch (RuntimeException e) {
                drop();
                throw e;
            }
        }
        if (locked) {
            held.add(duty);
            session().createUpdate("""
                            insert into cluster_duty (duty, lock_key, director_id, backend_pid, since)
                            values (:duty, :key, :director, pg_backend_pid(), now())
                            on conflict (duty) do update set director_id = excluded.director_id,
                                backend_pid = excluded.backend_pid, since = excluded.since""")
                    .bind("duty", duty.label).bind("key", duty.key).bind("director", directorId).execute();
        }
        return locked;
    }

    private boolean tryLock(Duty duty) {
        return session().createQuery("select pg_try_advisory_lock(:space, :key)")
                .bind("space", LOCK_SPACE).bind("key", duty.key).mapTo(Boolean.class).one();
    }

    /** Gives the duty up: another director takes it at its next try. */
    public synchronized void handOver(Duty duty) {
        if (!held.remove(duty) || session == null) {
            return;
        }
        try {
            session.createQuery("select pg_advisory_unlock(:space, :key)")
                    .bind("space", LOCK_SPACE).bind("key", duty.key).mapTo(Boolean.class).one();
        } catch (RuntimeException e) {
            // The session is broken, and the lock went with it.
            drop();
        }
    }

    /** Each duty held now in the cluster, by whom. */
    public static List<Holder> holders(Jdbi jdbi) {
        return jdbi.withHandle(h -> h.createQuery("select duty, director_id, since from cluster_duty_holder order by duty")
                .map((rs, ctx) -> new Holder(rs.getString("duty"), rs.getString("director_id"),
                        rs.getTimestamp("since").toInstant()))
                .list());
    }

    private Handle session() {
        if (session == null) {
            session = jdbi.open();
        }
        return session;
    }

    private void drop() {
        held.clear();
        if (session != null) {
            try {
                session.close();
            } catch (RuntimeException e) {
                log.debug("closing a broken cluster-duty session: {}", e.getMessage());
            }
            session = null;
        }
    }

    /** Gives every duty up, for the others to take at once (the connection goes back to the pool without them). */
    @Override
    public synchronized void close() {
        if (session != null) {
            try {
                session.createQuery("select pg_advisory_unlock_all()").mapTo(String.class).one();
            } catch (RuntimeException e) {
                // The connection is gone already, and the locks with it.
            }
        }
        drop();
    }
}
