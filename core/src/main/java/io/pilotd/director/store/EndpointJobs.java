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
    /** @param keyId the key of the request that made it; null for a token's, or a pilot the director started itself */
    public record Job(String jobName, Long keyId, PilotRecord pilot) {
    }

    /** Whose requests a job answers to: an API key's, or a bearer token's issuer and subject. */
    public record Owner(Long keyId, String issuer, String subject) {
        public static Owner key(long keyId) {
            return new Owner(keyId, null, null);
        }

        public static Owner token(String issuer, String subject) {
            return new Owner(null, issuer, subject);
        }
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

    /** The live jobs an owner asked for (of one queue, unless null): what its director may reconcile against. */
    public List<Job> live(Owner owner, String queue) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select j.job_name, j.key_id, p.* from endpoint_job j join pilot p on p.stamp = j.stamp
                        where (j.key_id = :key or j.token_issuer = :issuer and j.token_subject = :subject)
                          and (cast(:queue as text) is null or p.queue = :queue)
                          and pilot_is_alive(p.status)
                        order by p.id""")
                .bind("key", owner.keyId()).bind("issuer", owner.issuer()).bind("subject", owner.subject())
                .bind("queue", queue).map(EndpointJobs::job).list());
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
    public static void insert(Handle h, String jobName, String stamp, Owner owner) {
        h.createUpdate("""
                        insert into endpoint_job (job_name, stamp, key_id, token_issuer, token_subject)
                        values (:name, :stamp, :key, :issuer, :subject)""")
                .bind("name", jobName).bind("stamp", stamp).bind("key", owner.keyId()).bind("issuer", owner.issuer())
                .bind("subject", owner.subject()).execute();
    }
}
