package io.pilotd.director.store;

import io.pilotd.driver.api.PilotStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** The pilot table: reading pilots for the CLI and the cycle. */
public final class PilotStore {
    static final String COLUMNS = """
            id, stamp, job_ref, queue, site, ce, driver, vo, batch_id, director_id, status, status_reason,
            submitted_at, updated_at, finished_at""";

    private final Jdbi jdbi;

    public PilotStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Pilots, newest first, optionally of one queue and/or status. */
    public List<PilotRecord> list(String queue, PilotStatus status, int limit) {
        return jdbi.withHandle(h -> {
            Query query = h.createQuery("select " + COLUMNS + " from pilot"
                            + " where (cast(:queue as text) is null or queue = :queue)"
                            + " and (cast(:status as text) is null or status = :status)"
                            + " order by submitted_at desc, id desc limit :limit")
                    .bind("queue", queue)
                    .bind("status", status == null ? null : status.name())
                    .bind("limit", limit);
            return query.map(PilotStore::pilot).list();
        });
    }

    static PilotRecord pilot(ResultSet rs, StatementContext ctx) throws SQLException {
        return new PilotRecord(
                rs.getLong("id"),
                rs.getString("stamp"),
                rs.getString("job_ref"),
                rs.getString("queue"),
                rs.getString("site"),
                rs.getString("ce"),
                rs.getString("driver"),
                rs.getString("vo"),
                rs.getString("batch_id"),
                rs.getString("director_id"),
                PilotStatus.valueOf(rs.getString("status")),
                rs.getString("status_reason"),
                instant(rs.getTimestamp("submitted_at")),
                instant(rs.getTimestamp("updated_at")),
                instant(rs.getTimestamp("finished_at")));
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
