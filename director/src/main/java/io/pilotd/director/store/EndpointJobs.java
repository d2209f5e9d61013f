package io.pilotd.director.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** The jobs the serverless endpoint was asked for, each the pilot it became. */
public final class EndpointJobs {
    /** @param keyId the key of the request that made it */
    public record Job(String jobName, long keyId, PilotRecord pilot) {
    }

    private final Jdbi jdbi;

    public EndpointJobs(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public Optional<Job> find(String jobName) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select j.job_name, j.key_id, p.* from endpoint_job j join pilot p on p.stamp = j.stamp
                        where j.job_name = :name""")
                .bind("name", jobName).map(EndpointJobs::job).findOne());
    }

    /** The live jobs a key asked for (of one queue, unless null): what the key's director may reconcile against. */
    public List<Job> live(long keyId, String queue) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select j.job_name, j.key_id, p.* from endpoint_job j join pilot p on p.stamp = j.stamp
                        where j.key_id = :key and (cast(:queue as text) is null or p.queue = :queue)
                          and p.status not in ('Done', 'Failed', 'Aborted', 'Deleted')
                        order by p.id""")
                .bind("key", keyId).bind("queue", queue).map(EndpointJobs::job).list());
    }

    private static Job job(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Job(rs.getString("job_name"), rs.getLong("key_id"), PilotStore.pilot(rs, ctx));
    }

    /** Frees a job name whose submission started nothing: a request of that name may try again. */
    public void forget(String jobName) {
        jdbi.useHandle(h -> h.createUpdate("delete from endpoint_job where job_name = :name").bind("name", jobName).execute());
    }

    /**
     * Ties a job name to its pilot, in the transaction that writes the pilot's {@code Submitting}
     * row: a second request of the same name fails here, and starts nothing.
     */
    public static void insert(Handle h, String jobName, String stamp, long keyId) {
        h.createUpdate("insert into endpoint_job (job_name, stamp, key_id) values (:name, :stamp, :key)")
                .bind("name", jobName).bind("stamp", stamp).bind("key", keyId).execute();
    }
}
