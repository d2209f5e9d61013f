package io.pilotd.director.store;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** Every request the serverless endpoint answered: who, what, and what came of it. */
public final class EndpointAudit {
    /**
     * One request. Never its proxy, its wrapper or its key: {@code path} is the path alone, and
     * the query's two names are kept as columns.
     *
     * @param keyId        the key it named, when the endpoint knows it
     * @param tokenIssuer  the issuer of its bearer token, once the token is verified
     * @param tokenSubject the token's subject, once verified
     * @param outcome      what came of it: the error's message, or what was done
     */
    public record Entry(Instant at, Long keyId, String tokenIssuer, String tokenSubject, String remote, String method,
                        String path, String queue, String jobName, int status, String outcome) {
    }

    private final Jdbi jdbi;

    public EndpointAudit(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void record(Entry entry) {
        jdbi.useHandle(h -> h.createUpdate("""
                        insert into endpoint_audit (at, key_id, token_issuer, token_subject, remote, method, path, queue,
                                                    job_name, status, outcome)
                        values (:at, :keyId, :tokenIssuer, :tokenSubject, :remote, :method, :path, :queue, :jobName, :status,
                                :outcome)""")
                .bindMethods(entry).execute());
    }

    /** An entry with its key's name, as {@code pilotd endpoint audit} shows it. */
    public record Shown(Entry entry, String keyName) {
    }

    /** The latest entries first. */
    public List<Shown> latest(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select a.*, k.name as key_name from endpoint_audit a left join endpoint_key k on k.id = a.key_id
                        order by a.id desc limit :limit""")
                .bind("limit", limit)
                .map((rs, ctx) -> new Shown(new Entry(PilotStore.instant(rs.getTimestamp("at")),
                        rs.getObject("key_id", Long.class), rs.getString("token_issuer"), rs.getString("token_subject"),
                        rs.getString("remote"), rs.getString("method"),
                        rs.getString("path"), rs.getString("queue"), rs.getString("job_name"), rs.getInt("status"),
                        rs.getString("outcome")), rs.getString("key_name")))
                .list());
    }
}
