package io.pilotd.director.store;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** The serverless endpoint's API keys, each stored as its secret's hash, never the secret. */
public final class EndpointKeys {
    /**
     * A key's row.
     *
     * @param prefix   the first characters of its secret, to tell keys apart
     * @param lastUsed its last request, from the audit; null when it never made one
     */
    public record Key(long id, String name, String prefix, String vo, List<String> queues, int ratePerMinute,
                      Instant expiresAt, Instant createdAt, Instant revokedAt, Instant lastUsed) {
        public Key {
            queues = List.copyOf(queues);
        }

        /** Why this key may not be used at {@code now}, or empty when it may. */
        public Optional<String> unusable(Instant now) {
            if (revokedAt != null) {
                return Optional.of("the API key " + name + " was revoked at " + revokedAt);
            }
            if (!now.isBefore(expiresAt)) {
                return Optional.of("the API key " + name + " expired at " + expiresAt);
            }
            return Optional.empty();
        }
    }

    private static final String SELECT = """
            select k.*, (select max(a.at) from endpoint_audit a where a.key_id = k.id) as last_used
            from endpoint_key k""";

    private final Jdbi jdbi;

    public EndpointKeys(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** @throws org.jdbi.v3.core.statement.UnableToExecuteStatementException when the name is taken */
    public Key add(String name, String hash, String prefix, String vo, List<String> queues, int ratePerMinute,
                   Instant expiresAt) {
        return jdbi.withHandle(h -> h.createQuery("""
                        insert into endpoint_key (name, key_hash, key_prefix, vo, queues, rate_per_minute, expires_at)
                        values (:name, :hash, :prefix, :vo, :queues, :rate, :expires)
                        returning *, null::timestamptz as last_used""")
                .bind("name", name).bind("hash", hash).bind("prefix", prefix).bind("vo", vo)
                .bind("queues", queues.toArray(String[]::new)).bind("rate", ratePerMinute).bind("expires", expiresAt)
                .map(EndpointKeys::key).one());
    }

    public Optional<Key> byName(String name) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " where k.name = :name").bind("name", name)
                .map(EndpointKeys::key).findOne());
    }

    /** The key whose secret has this hash, revoked or expired as well. */
    public Optional<Key> byHash(String hash) {
        return jdbi.withHandle(h -> h.createQuery("select k.*, null::timestamptz as last_used from endpoint_key k"
                        + " where k.key_hash = :hash").bind("hash", hash)
                .map(EndpointKeys::key).findOne());
    }

    public List<Key> list() {
        return jdbi.withHandle(h -> h.createQuery(SELECT + " order by k.name").map(EndpointKeys::key).list());
    }

    /** @return false when no live key has this name */
    public boolean revoke(String name, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate(
                        "update endpoint_key set revoked_at = :now where name = :name and revoked_at is null")
                .bind("name", name).bind("now", now).execute()) == 1;
    }

    private static Key key(ResultSet rs, StatementContext ctx) throws SQLException {
        Array queues = rs.getArray("queues");
        return new Key(rs.getLong("id"), rs.getString("name"), rs.getString("key_prefix"), rs.getString("vo"),
                Arrays.asList((String[]) queues.getArray()), rs.getInt("rate_per_minute"),
                PilotStore.instant(rs.getTimestamp("expires_at")), PilotStore.instant(rs.getTimestamp("created_at")),
                PilotStore.instant(rs.getTimestamp("revoked_at")), PilotStore.instant(rs.getTimestamp("last_used")));
    }
}
