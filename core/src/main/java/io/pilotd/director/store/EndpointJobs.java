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
    /** @param keyId the key of the request that made it; null for a pilot the director started itself */
    public record Job(String jobName, Long keyId, PilotRecord pilot) {
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

    /**
     * The job of this name, or else the pilot whose stamp the name is: DIRAC's ComputingElement
     * for pilotd follows, kills and reads every pilot of its queues by its stamp (its
     * PilotJobReference is pilotd://stamp), whoever started it.
     */
    public Optional<Job> findOrPilot(String name) {
        return find(name).or(() -> jdbi.withHandle(h -> h.createQuery("""
                        select p.stamp as job_name, cast(null as bigint) as key_id, p.* from pilot p where p.stamp = :name""")
                .bind("name", name).map(EndpointJobs::job).findOne()));
    }

    /** The live jobs a key asked for (of one queue, unless null): what the key's director may reconcile against. */
    public List<Job> live(long keyId, String queue) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select j.job_name, j.key_id, p.* from endpoint_job j join pilot p on p.stamp = j.stamp
                        where j.key_id = :key and (cast(:queue as text) is null or p.queue = :queue)
                          and pilot_is_alive(p.status)
                        order by p.id""")
                .bind("key", keyId).bind("queue", queue).map(EndpointJobs::job).list());
    }

    private static Job job(ResultSet rs, StatementContext ctx) throws SQLException {
        long keyId = rs.getLong("key_id");
        return new Job(rs.getString("job_name"), rs.wasNull() ? null : keyId, PilotStore.pilot(rs, ctx));
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
