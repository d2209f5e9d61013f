package io.pilotd.director.store;

import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** The pilot table: every statement that reads or writes pilots. */
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

    /** Writes one row per stamp in {@code Submitting}: the intent, before the cloud is called. */
    public void insertSubmitting(Handle h, QueueRow queue, String batchId, List<String> stamps, String directorId) {
        PreparedBatch batch = h.prepareBatch("""
                insert into pilot (stamp, queue, site, ce, driver, vo, batch_id, director_id, status, status_reason)
                values (:stamp, :queue, :site, :ce, :driver, :vo, :batch, :director, 'Submitting', :reason)""");
        for (String stamp : stamps) {
            batch.bind("stamp", stamp).bind("queue", queue.name()).bind("site", queue.site()).bind("ce", queue.ce())
                    .bind("driver", queue.driver()).bind("vo", queue.vo()).bind("batch", batchId)
                    .bind("director", directorId).bind("reason", "batch " + batchId).add();
        }
        batch.execute();
    }

    /** Records what the cloud answered: each stamp's jobRef, and the pilot {@code Submitted}. */
    public void recordSubmitted(Handle h, Map<String, String> jobRefs) {
        if (jobRefs.isEmpty()) {
            return;
        }
        h.useTransaction(tx -> {
            PreparedBatch batch = tx.prepareBatch("""
                    update pilot set job_ref = :jobRef, status = 'Submitted', status_reason = 'accepted by the cloud'
                    where stamp = :stamp and status = 'Submitting'""");
            jobRefs.forEach((stamp, jobRef) -> batch.bind("stamp", stamp).bind("jobRef", jobRef).add());
            batch.execute();
        });
    }

    /** Rows still {@code Submitting} that the cloud never started become {@code Aborted}, with why. */
    public void abort(Handle h, Collection<String> stamps, String reason) {
        if (stamps.isEmpty()) {
            return;
        }
        h.createUpdate("""
                        update pilot set status = 'Aborted', status_reason = :reason
                        where stamp = any(:stamps) and status = 'Submitting'""")
                .bind("reason", reason).bind("stamps", stamps.toArray(String[]::new)).execute();
    }

    public void abort(Collection<String> stamps, String reason) {
        jdbi.useHandle(h -> abort(h, stamps, reason));
    }

    /** Adopts pilots found at the cloud after their submission was cut short. */
    public void adopt(Map<String, OwnedPilot> found) {
        if (found.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            PreparedBatch batch = h.prepareBatch("""
                    update pilot set job_ref = :jobRef, status = :status, status_reason = :reason
                    where stamp = :stamp and status = 'Submitting'""");
            found.forEach((stamp, owned) -> {
                PilotStatus status = owned.state().status() == PilotStatus.Submitting ? PilotStatus.Submitted : owned.state().status();
                batch.bind("stamp", stamp).bind("jobRef", owned.jobRef()).bind("status", status.name())
                        .bind("reason", "adopted: found at the cloud after an interrupted submission"
                                + (owned.state().reason().isEmpty() ? "" : "; " + owned.state().reason()))
                        .add();
            });
            batch.execute();
        });
    }

    /** Pilots of a queue that the cloud knows and that have not ended: what the cycle follows. */
    public List<PilotRecord> followed(String queue) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from pilot"
                        + " where queue = :queue and job_ref is not null"
                        + " and status not in ('Submitting', 'Done', 'Failed', 'Aborted', 'Deleted')")
                .bind("queue", queue).map(PilotStore::pilot).list());
    }

    /** Rows left in {@code Submitting}, by batch. */
    public Map<String, List<PilotRecord>> submittingBatches(String queue) {
        Map<String, List<PilotRecord>> batches = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("select " + COLUMNS + " from pilot where queue = :queue and status = 'Submitting'"
                        + " order by batch_id")
                .bind("queue", queue).map(PilotStore::pilot)
                .forEach(p -> batches.computeIfAbsent(p.batchId(), b -> new ArrayList<>()).add(p)));
        return batches;
    }

    /** Pilots submitted longer ago than {@code limit} that are still not running. */
    public List<PilotRecord> waitingLongerThan(String queue, Duration limit) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from pilot"
                        + " where queue = :queue and job_ref is not null"
                        + " and status in ('Submitted', 'Waiting', 'Scheduled')"
                        + " and submitted_at < now() - make_interval(secs => :seconds)")
                .bind("queue", queue).bind("seconds", limit.toSeconds()).map(PilotStore::pilot).list());
    }

    /** Pilots the cloud has not known for longer than {@code limit}. */
    public List<PilotRecord> unknownLongerThan(String queue, Duration limit) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from pilot"
                        + " where queue = :queue and status = 'Unknown'"
                        + " and updated_at < now() - make_interval(secs => :seconds)")
                .bind("queue", queue).bind("seconds", limit.toSeconds()).map(PilotStore::pilot).list());
    }

    /**
     * Writes status changes in one batch. A pilot already in a final state is left as it is.
     *
     * @return how many pilots changed
     */
    public int applyStates(Map<String, PilotState> byJobRef) {
        if (byJobRef.isEmpty()) {
            return 0;
        }
        return jdbi.inTransaction(h -> {
            PreparedBatch batch = h.prepareBatch("""
                    update pilot set status = :status, status_reason = :reason
                    where job_ref = :jobRef and status <> :status
                      and status not in ('Done', 'Failed', 'Aborted', 'Deleted')""");
            byJobRef.forEach((jobRef, state) -> batch.bind("jobRef", jobRef).bind("status", state.status().name())
                    .bind("reason", state.reason()).add());
            return Arrays.stream(batch.execute()).sum();
        });
    }

    public Optional<PilotRecord> find(String stampOrJobRef) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from pilot where stamp = :key or job_ref = :key")
                .bind("key", stampOrJobRef).map(PilotStore::pilot).findOne());
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
