package io.pilotd.director.store;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * One director per database, unless they are clustered: a running director holds an advisory
 * lock for as long as it runs, on a connection of its own (the lock dies with the process, so
 * a crashed director never blocks the next one). Alone it holds it exclusively; clustered,
 * shared with the others. A director that cannot take it is told who holds it.
 */
public final class DirectorRegistry implements AutoCloseable {
    private static final String LOCK = "7, 1";

    /** A director that holds the lock now. */
    public record Running(String directorId, String host, long pid, boolean clustered, Instant since) {
        @Override
        public String toString() {
            return "director " + directorId + " on host " + host + " (pid " + pid + ", "
                    + (clustered ? "clustered" : "not clustered") + ") since " + since;
        }
    }

    /** Another director holds the database in a way that excludes this one. */
    public static final class AnotherDirectorException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        AnotherDirectorException(String message) {
            super(message);
        }
    }

    private final Handle handle;

    private DirectorRegistry(Handle handle) {
        this.handle = handle;
    }

    /** Takes the director lock and records this director, or says who stands in the way. */
    public static DirectorRegistry register(Jdbi jdbi, String directorId, String host, long pid, boolean clustered) {
        DirectorRegistry registry = new DirectorRegistry(jdbi.open());
        Handle handle = registry.handle;
        try {
            boolean locked = handle.createQuery("select " + (clustered ? "pg_try_advisory_lock_shared" : "pg_try_advisory_lock")
                    + "(" + LOCK + ")").mapTo(Boolean.class).one();
            List<Running> running = running(handle);
            if (!locked) {
                throw new AnotherDirectorException(running.isEmpty()
                        ? "another director holds this database"
                        : "another director runs on this database: " + running.get(0)
                        + "; stop it, or set director.clustered: true on every director of this database");
            }
            running.stream().filter(r -> r.directorId().equals(directorId)).findFirst().ifPresent(r -> {
                throw new AnotherDirectorException("a director with id " + directorId + " already runs on this database: " + r
                        + "; each director needs its own director.id");
            });
            // A pooled connection may have served another registration before: its row is not alive.
            handle.execute("update director_instance set backend_pid = 0 where backend_pid = pg_backend_pid()");
            handle.createUpdate("""
                            insert into director_instance (director_id, host, pid, clustered, started_at, backend_pid)
                            values (:id, :host, :pid, :clustered, now(), pg_backend_pid())
                            on conflict (director_id) do update set host = excluded.host, pid = excluded.pid,
                                clustered = excluded.clustered, started_at = excluded.started_at,
                                backend_pid = excluded.backend_pid""")
                    .bind("id", directorId).bind("host", host).bind("pid", pid).bind("clustered", clustered).execute();
            return registry;
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** The directors that run on this database now. */
    public static List<Running> running(Jdbi jdbi) {
        return jdbi.withHandle(DirectorRegistry::running);
    }

    /** The directors whose connection holds the lock now, but this connection's. */
    private static List<Running> running(Handle h) {
        return h.createQuery("""
                        select d.director_id, d.host, d.pid, d.clustered, d.started_at from director_instance d
                        where d.backend_pid <> pg_backend_pid()
                          and exists (select 1 from pg_locks l where l.locktype = 'advisory' and l.granted
                                      and l.classid = 7 and l.objid = 1 and l.objsubid = 2 and l.pid = d.backend_pid)
                        order by d.started_at""")
                .map((rs, ctx) -> new Running(rs.getString("director_id"), rs.getString("host"), rs.getLong("pid"),
                        rs.getBoolean("clustered"), PilotStore.instant(rs.getTimestamp("started_at"))))
                .list();
    }

    /** True while the connection that holds the lock is alive; once it is not, the lock is gone. */
    public boolean holding() {
        try {
            return handle.createQuery("select true").mapTo(Boolean.class).one();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Gives the lock up (the connection goes back to the pool, which must not carry it on). */
    @Override
    public void close() {
        try {
            handle.execute("update director_instance set backend_pid = 0 where backend_pid = pg_backend_pid()");
            handle.createQuery("select pg_advisory_unlock_all()").mapTo(String.class).one();
        } catch (RuntimeException e) {
            // The connection is gone already, and the lock with it.
        }
        try {
            handle.close();
        } catch (RuntimeException e) {
            // As above: nothing left to release.
        }
    }
}
