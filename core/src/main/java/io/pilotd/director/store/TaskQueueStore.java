package io.pilotd.director.store;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** pilotd's own task queue: waiting jobs grouped by requirements, and pilots matching them. */
public final class TaskQueueStore {
    private final Jdbi jdbi;

    public TaskQueueStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** A job a pilot has taken from the task queue. */
    public record MatchedJob(long jobId, long taskQueueId) {
    }

    /** One task queue with its waiting-job count. */
    public record TaskQueueSummary(long id, String vo, String ownerGroup, int processors, int ramMB, long cpuTime,
                                   double priority, String sites, String tags, int waiting, int matched, int done) {
    }

    /** Creates a task queue with {@code jobs} waiting jobs; returns its id. */
    public long add(TaskQueueSpec spec, int jobs) {
        return jdbi.inTransaction(h -> {
            long id = h.createQuery("""
                            insert into task_queue (owner, owner_group, vo, cpu_time, processors, ram_mb, priority)
                            values (:owner, :ownerGroup, :vo, :cpuTime, :processors, :ramMB, :priority) returning id""")
                    .bindMethods(spec).mapTo(Long.class).one();
            insertAll(h, "task_queue_site", "site", id, spec.sites());
            insertAll(h, "task_queue_banned_site", "site", id, spec.bannedSites());
            insertAll(h, "task_queue_platform", "platform", id, spec.platforms());
            insertAll(h, "task_queue_tag", "tag", id, spec.tags());
            h.createUpdate("insert into task_queue_job (tq_id, priority) select :id, :priority from generate_series(1, :jobs)")
                    .bind("id", id).bind("priority", spec.priority()).bind("jobs", jobs).execute();
            return id;
        });
    }

    private static void insertAll(Handle h, String table, String column, long id, List<String> values) {
        for (String value : values) {
            h.createUpdate("insert into " + table + " (tq_id, " + column + ") values (:id, :value)")
                    .bind("id", id).bind("value", value).execute();
        }
    }

    public List<TaskQueueSummary> list() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select tq.id, tq.vo, tq.owner_group, tq.processors, tq.ram_mb, tq.cpu_time, tq.priority,
                               coalesce((select string_agg(site, ',' order by site) from task_queue_site s where s.tq_id = tq.id), '') as sites,
                               coalesce((select string_agg(tag, ',' order by tag) from task_queue_tag t where t.tq_id = tq.id), '') as tags,
                               count(j.id) filter (where j.status = 'Waiting') as waiting,
                               count(j.id) filter (where j.status = 'Matched') as matched,
                               count(j.id) filter (where j.status = 'Done') as done
                        from task_queue tq left join task_queue_job j on j.tq_id = tq.id
                        group by tq.id order by tq.id""")
                .map((rs, ctx) -> new TaskQueueSummary(rs.getLong("id"), rs.getString("vo"), rs.getString("owner_group"),
                        rs.getInt("processors"), rs.getInt("ram_mb"), rs.getLong("cpu_time"), rs.getDouble("priority"),
                        rs.getString("sites"), rs.getString("tags"), rs.getInt("waiting"), rs.getInt("matched"),
                        rs.getInt("done")))
                .list());
    }

    /**
     * Takes the best waiting job the queue can serve for the pilot with this stamp, as a DIRAC
     * pilot's matcher would: highest priority first; a job taken by another pilot is skipped.
     */
    public Optional<MatchedJob> match(String queue, String stamp) {
        return jdbi.inTransaction(h -> h.createQuery("""
                        update task_queue_job set status = 'Matched', pilot_stamp = :stamp, updated_at = now()
                        where id = (select j.id from task_queue_job j
                                    join queue_task_queue_match m on m.tq_id = j.tq_id and m.queue = :queue
                                    join task_queue tq on tq.id = j.tq_id
                                    where j.status = 'Waiting'
                                    order by tq.priority desc, j.priority desc, j.id
                                    limit 1 for update of j skip locked)
                        returning id, tq_id""")
                .bind("queue", queue).bind("stamp", stamp)
                .map((rs, ctx) -> new MatchedJob(rs.getLong("id"), rs.getLong("tq_id")))
                .findOne());
    }

    public void finish(long jobId, boolean succeeded) {
        jdbi.useHandle(h -> h.createUpdate("update task_queue_job set status = :status, updated_at = now() where id = :id")
                .bind("status", succeeded ? "Done" : "Failed").bind("id", jobId).execute());
    }
}
