package io.pilotd.director.store;

import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** The pilot table: every statement that reads or writes pilots. */
public final class PilotStore {
    static final String COLUMNS = """
            id, stamp, job_ref, native_id, queue, site, ce, driver, vo, batch_id, director_id, status, status_reason,
            submitted_at, updated_at, finished_at, driver_setup_id, task_queues, kill_asked, started_at, jobs""";

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

    /**
     * Writes one row per stamp in {@code Submitting}, the intent, before the cloud is called, on
     * the lease's connection, and takes the lease in the same statement.
     * {@code now} is the director's clock, against which pilots' ages are measured;
     * {@code taskQueues} the task queues the pilots are submitted for.
     */
    public void insertSubmitting(SubmissionLease lease, QueueRow queue, List<String> stamps, String directorId,
                                 Instant now, List<Long> taskQueues) {
        // One statement however many pilots: a cycle's database work does not grow with its batch.
        lease.taking();
        lease.handle().createUpdate("with lease as materialized (select " + SubmissionLease.TAKE + ")" + """
                        insert into pilot (stamp, queue, site, ce, driver, vo, batch_id, director_id, status, status_reason,
                                           submitted_at, driver_setup_id, task_queues)
                        select s.stamp, cast(:queue as text), cast(:site as text), cast(:ce as text), cast(:driver as text),
                               cast(:vo as text), cast(:batch as text), cast(:director as text), 'Submitting',
                               cast(:reason as text), cast(:now as timestamptz), cast(:setup as bigint),
                               cast(:taskQueues as bigint[])
                        from lease, unnest(cast(:stamps as text[])) with ordinality as s(stamp, n)
                        order by s.n""")
                .bind("stamps", stamps.toArray(String[]::new)).bind("queue", queue.name()).bind("site", queue.site())
                .bind("ce", queue.ce()).bind("driver", queue.driver()).bind("vo", queue.vo()).bind("batch", lease.batchId())
                .bind("director", directorId).bind("reason", "batch " + lease.batchId()).bind("now", now)
                .bind("setup", queue.driverSetupId()).bind("taskQueues", taskQueues.toArray(Long[]::new))
                .execute();
    }

    /**
     * Records what the cloud answered: each stamp's jobRef, the cloud's own id where the driver
     * gives one ({@code nativeIds}, by jobRef), and the pilot {@code Submitted}.
     */
    public void recordSubmitted(Handle h, Map<String, String> jobRefs, Map<String, String> nativeIds) {
        setJobRefs(h, jobRefs, nativeIds, "accepted by the cloud");
    }

    /**
     * Rows still {@code Submitting} get their jobRef (and native id) and become {@code Submitted},
     * with the reason, in one statement.
     *
     * @return how many changed
     */
    private static int setJobRefs(Handle h, Map<String, String> jobRefsByStamp, Map<String, String> nativeIds, String reason) {
        if (jobRefsByStamp.isEmpty()) {
            return 0;
        }
        return h.createUpdate("""
                        update pilot p set job_ref = v.job_ref, native_id = coalesce(v.native_id, p.native_id),
                                           status = 'Submitted', status_reason = :reason
                        from unnest(cast(:stamps as text[]), cast(:jobRefs as text[]), cast(:nativeIds as text[]))
                             as v(stamp, job_ref, native_id)
                        where p.stamp = v.stamp and p.status = 'Submitting'""")
                .bind("stamps", jobRefsByStamp.keySet().toArray(String[]::new))
                .bind("jobRefs", jobRefsByStamp.values().toArray(String[]::new))
                .bind("nativeIds", jobRefsByStamp.values().stream().map(nativeIds::get).toArray(String[]::new))
                .bind("reason", reason)
                .execute();
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

    /**
     * Adopts pilots found at the cloud whose rows are still {@code Submitting} (their submission's
     * answer was lost or cut short), with the jobRef and state the cloud gave.
     */
    public int adopt(Map<String, String> jobRefsByStamp, Map<String, String> nativeIds, String reason) {
        return jdbi.withHandle(h -> setJobRefs(h, jobRefsByStamp, nativeIds, reason));
    }

    /**
     * Pilots of a driver set-up that the cloud knows and that have not ended: what a cycle
     * follows, a page at a time (by id, after {@code afterId}), so that a cycle's memory does not
     * grow with its queue's pilots.
     */
    public List<PilotRecord> followed(long setup, long afterId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from pilot"
                        + " where driver_setup_id = :setup and job_ref is not null and id > :after"
                        + " and pilot_is_alive(status) and status <> 'Submitting'"
                        + " order by id limit :limit")
                .bind("setup", setup).bind("after", afterId).bind("limit", limit).map(PilotStore::pilot).list());
    }

    /**
     * A batch with rows left in {@code Submitting}: all its rows, in the order of its stamps (the
     * order they were written in), so that its request can be made again exactly.
     */
    public record SubmittingBatch(String batchId, List<PilotRecord> rows) {
        public List<PilotRecord> submitting() {
            return rows.stream().filter(p -> p.status() == PilotStatus.Submitting).toList();
        }
    }

    /** The batches of a driver set-up with rows left in {@code Submitting}. */
    public List<SubmittingBatch> submittingBatches(long setup) {
        Map<String, List<PilotRecord>> rows = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("select " + COLUMNS + " from pilot where batch_id in"
                        + " (select batch_id from pilot where driver_setup_id = :setup and status = 'Submitting')"
                        + " order by batch_id, id")
                .bind("setup", setup).map(PilotStore::pilot)
                .forEach(p -> rows.computeIfAbsent(p.batchId(), b -> new ArrayList<>()).add(p)));
        return rows.entrySet().stream().map(e -> new SubmittingBatch(e.getKey(), e.getValue())).toList();
    }

    /**
     * Of a queue's pilots submitted since {@code since} that the cloud took and that have ended:
     * how many, how many ended Failed or Aborted without ever running, and the last such reason.
     */
    public record RecentEnds(int ended, int failedUnrun, String lastReason) {
    }

    public RecentEnds recentEnds(String queue, Instant since) {
        return jdbi.withHandle(h -> h.createQuery("""
                        with ended as (
                            select p.id, p.status, p.status_reason, p.finished_at,
                                   pilot_is_failure(p.status) and not exists
                                       (select 1 from pilot_status_history h where h.pilot_id = p.id and h.status = 'Running')
                                       as failed_unrun
                            from pilot p
                            where p.queue = :queue and p.submitted_at >= :since and p.job_ref is not null
                              and pilot_is_final(p.status))
                        select count(*) as ended, count(*) filter (where failed_unrun) as failed_unrun,
                               (select status_reason from ended where failed_unrun order by finished_at desc limit 1) as last_reason
                        from ended""")
                .bind("queue", queue).bind("since", since)
                .map((rs, ctx) -> new RecentEnds(rs.getInt("ended"), rs.getInt("failed_unrun"), rs.getString("last_reason")))
                .one());
    }

    /**
     * Pilots that ended since {@code since} and whose jobs are not known yet (their demand came
     * from DIRAC, whose job-to-pilot mapping says), oldest first.
     */
    public List<String> endedWithJobsUnknown(Instant since, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select stamp from pilot where jobs is null and finished_at >= :since
                        order by finished_at limit :limit""")
                .bind("since", since).bind("limit", limit).mapTo(String.class).list());
    }

    /** The jobs each of these ended pilots ran, by stamp. */
    public void recordJobs(Map<String, Integer> jobsByStamp) {
        if (jobsByStamp.isEmpty()) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("""
                        update pilot p set jobs = v.jobs
                        from unnest(cast(:stamps as text[]), cast(:jobs as integer[])) as v(stamp, jobs)
                        where p.stamp = v.stamp and p.jobs is null""")
                .bind("stamps", jobsByStamp.keySet().toArray(String[]::new))
                .bind("jobs", jobsByStamp.values().toArray(Integer[]::new))
                .execute());
    }

    /** The rows of these stamps, whatever their queue or status, in one query. */
    public Map<String, PilotRecord> byStamp(Collection<String> stamps) {
        Map<String, PilotRecord> rows = new LinkedHashMap<>();
        if (stamps.isEmpty()) {
            return rows;
        }
        jdbi.useHandle(h -> h.createQuery("select " + COLUMNS + " from pilot where stamp = any(:stamps)")
                .bind("stamps", stamps.toArray(String[]::new)).map(PilotStore::pilot)
                .forEach(p -> rows.put(p.stamp(), p)));
        return rows;
    }

    /** True while some pilot of this set-up has not ended. */
    public boolean anyAlive(long setup) {
        return jdbi.withHandle(h -> h.createQuery("select exists (select 1 from pilot where driver_setup_id = :setup"
                        + " and pilot_is_alive(status))")
                .bind("setup", setup).mapTo(Boolean.class).one());
    }

    /**
     * Writes status changes in one batch. A pilot already in a final state is left as it is.
     *
     * @return how many pilots changed
     */
    public int applyStates(Map<String, PilotState> byJobRef) {
        return applyStates(byJobRef, Set.of(), Instant.EPOCH);
    }

    /**
     * As {@link #applyStates(Map)}, recording for those of {@code listed} that change when the
     * cloud's listing first showed them (what the queue learns its listing lag from), in the
     * same statement.
     */
    public int applyStates(Map<String, PilotState> byJobRef, Set<String> listed, Instant at) {
        if (byJobRef.isEmpty()) {
            return 0;
        }
        List<String> statuses = byJobRef.values().stream().map(state -> state.status().name()).toList();
        List<String> reasons = byJobRef.values().stream().map(PilotState::reason).toList();
        List<Boolean> firstListed = byJobRef.keySet().stream().map(listed::contains).toList();
        // One statement, found by the jobRef's unique index: linear in the pilots, whatever their number.
        return jdbi.withHandle(h -> h.createUpdate("""
                        update pilot p set status = v.status, status_reason = v.reason,
                            listed_at = case when v.listed then coalesce(p.listed_at, :at) else p.listed_at end
                        from unnest(cast(:jobRefs as text[]), cast(:statuses as text[]), cast(:reasons as text[]),
                                    cast(:listed as boolean[]))
                             as v(job_ref, status, reason, listed)
                        where p.job_ref = v.job_ref and p.status <> v.status
                          and pilot_is_alive(p.status)""")
                .bind("jobRefs", byJobRef.keySet().toArray(String[]::new))
                .bind("statuses", statuses.toArray(String[]::new))
                .bind("reasons", reasons.toArray(String[]::new))
                .bind("listed", firstListed.toArray(Boolean[]::new))
                .bind("at", at)
                .execute());
    }

    /**
     * Records that these live pilots are to be killed, for these reasons, before the kill call:
     * one missing from its cloud's listing later was killed, not lost.
     */
    public void killAsked(Map<String, String> reasonByJobRef) {
        if (reasonByJobRef.isEmpty()) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("""
                        update pilot p set kill_asked = v.reason
                        from unnest(cast(:jobRefs as text[]), cast(:reasons as text[])) as v(job_ref, reason)
                        where p.job_ref = v.job_ref and pilot_is_alive(p.status)""")
                .bind("jobRefs", reasonByJobRef.keySet().toArray(String[]::new))
                .bind("reasons", reasonByJobRef.values().toArray(String[]::new))
                .execute());
    }

    /**
     * A queue's pilots whose submission's outcome is not known yet: how many, since when, and
     * until when the oldest is held against the limits (by the hold of the queue's latest cycle;
     * null before a cycle held them).
     */
    public record Unresolved(int pilots, Instant since, Instant until) {
    }

    /** Each queue's unresolved pilots ({@code Submitting}), for those that have any. */
    public Map<String, Unresolved> unresolved() {
        Map<String, Unresolved> byQueue = new LinkedHashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        select u.queue, u.pilots, u.since, u.since + c.unresolved_hold_ms * interval '1 millisecond' as until
                        from (select queue, count(*) as pilots, min(submitted_at) as since from pilot
                              where status = 'Submitting' group by queue) u
                        left join lateral (select unresolved_hold_ms from director_cycle c where c.queue = u.queue
                                           order by c.started_at desc limit 1) c on true
                        order by u.queue""")
                .map((rs, ctx) -> Map.entry(rs.getString("queue"), new Unresolved(rs.getInt("pilots"),
                        rs.getTimestamp("since").toInstant(), instant(rs.getTimestamp("until")))))
                .forEach(e -> byQueue.put(e.getKey(), e.getValue())));
        return byQueue;
    }

    /**
     * How late the queue's cloud lists a new pilot: the 90th percentile, over its last
     * {@code recent} pilots listed, of the time from submission to the cycle that first saw it.
     *
     * @return empty while none was listed
     */
    public Optional<Duration> listingLag(String queue, int recent) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select percentile_disc(0.9) within group (order by lag_ms) from (
                            select greatest(0, extract(epoch from listed_at - submitted_at) * 1000)::bigint as lag_ms
                            from pilot where queue = :queue and listed_at is not null
                            order by id desc limit :recent) recent""")
                .bind("queue", queue).bind("recent", recent)
                .mapTo(Long.class).findOne().map(Duration::ofMillis));
    }

    /** Every pilot of a queue in a status, oldest first. */
    public List<PilotRecord> inStatus(String queue, PilotStatus status) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from pilot where queue = :queue and status = :status"
                        + " order by submitted_at, id")
                .bind("queue", queue).bind("status", status.name()).map(PilotStore::pilot).list());
    }

    /** One change of a pilot's status, with its reason. */
    public record StatusChange(Instant at, PilotStatus status, String reason) {
    }

    /** A pilot's status history, oldest first. */
    public List<StatusChange> history(long pilotId) {
        return jdbi.withHandle(h -> h.createQuery("select at, status, reason from pilot_status_history"
                        + " where pilot_id = :id order by at, id")
                .bind("id", pilotId)
                .map((rs, ctx) -> new StatusChange(instant(rs.getTimestamp("at")), PilotStatus.valueOf(rs.getString("status")),
                        rs.getString("reason")))
                .list());
    }

    /** The status histories of these pilots, oldest first, in one statement. */
    public Map<Long, List<StatusChange>> histories(Collection<Long> pilotIds) {
        Map<Long, List<StatusChange>> histories = new HashMap<>();
        if (pilotIds.isEmpty()) {
            return histories;
        }
        jdbi.useHandle(h -> h.createQuery("select pilot_id, at, status, reason from pilot_status_history"
                        + " where pilot_id = any(:ids) order by pilot_id, at, id")
                .bindArray("ids", Long.class, pilotIds)
                .map((rs, ctx) -> Map.entry(rs.getLong("pilot_id"), new StatusChange(instant(rs.getTimestamp("at")),
                        PilotStatus.valueOf(rs.getString("status")), rs.getString("reason"))))
                .forEach(change -> histories.computeIfAbsent(change.getKey(), id -> new ArrayList<>()).add(change.getValue())));
        return histories;
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
                rs.getString("native_id"),
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
                instant(rs.getTimestamp("finished_at")),
                rs.getObject("driver_setup_id", Long.class),
                List.of((Long[]) rs.getArray("task_queues").getArray()),
                rs.getString("kill_asked"),
                instant(rs.getTimestamp("started_at")),
                rs.getObject("jobs", Integer.class));
    }

    static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
