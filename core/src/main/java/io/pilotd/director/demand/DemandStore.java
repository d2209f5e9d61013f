package io.pilotd.director.demand;

import io.pilotd.director.dirac.DiracTaskQueue;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * The demand source in force (V13's demand_source), DIRAC's task queues as last read, and which
 * queues serve which task queues.
 */
public final class DemandStore {
    private final Jdbi jdbi;

    public DemandStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Records the source in force and whether pilots are mirrored to DIRAC. A source that is not
     * DIRAC drops its last snapshot. A mirror turned on queues every pilot DIRAC has yet to see:
     * the live ones, and those that changed since the mirror was last turned off (changes are
     * queued only while it is on).
     */
    public void use(String source, boolean mirror) {
        jdbi.useTransaction(h -> {
            boolean mirrored = h.createQuery("select mirror from demand_source for update").mapTo(Boolean.class).one();
            if (mirror && !mirrored) {
                h.execute("""
                        insert into pilot_agents_outbox (pilot_id)
                        select id from pilot
                        where pilot_is_alive(status)
                           or updated_at >= (select mirror_off_since from demand_source)
                        order by id""");
            }
            h.createUpdate("""
                            update demand_source set name = :source, mirror = :mirror,
                                mirror_off_since = case when mirror and not :mirror then now() else mirror_off_since end""")
                    .bind("source", source).bind("mirror", mirror).execute();
            if (!"dirac".equals(source)) {
                h.execute("delete from dirac_task_queue");
            }
        });
    }

    /** The configured queues among these that serve any of these task queues, by the source in force. */
    public Set<String> serving(Collection<Long> taskQueues, Collection<String> among) {
        return jdbi.withHandle(h -> new TreeSet<>(h.createQuery("""
                        select distinct queue from queue_task_queue_match
                        where tq_id = any(:tqs) and queue = any(:queues)""")
                .bind("tqs", taskQueues.toArray(Long[]::new))
                .bind("queues", among.toArray(String[]::new))
                .mapTo(String.class).list()));
    }

    /**
     * Brings DIRAC's snapshot up to date in one transaction: writes these task queues (new or
     * changed since the last write) and deletes those no longer read.
     *
     * @param changed the task queues to write
     * @param kept    every task queue read, written or not
     */
    public void writeDirac(List<DiracTaskQueue> changed, Collection<Long> kept, Instant readAt) {
        jdbi.useTransaction(h -> {
            h.createUpdate("delete from dirac_task_queue where tq_id <> all(:kept)")
                    .bind("kept", kept.toArray(Long[]::new)).execute();
            PreparedBatch batch = h.prepareBatch("""
                    insert into dirac_task_queue (tq_id, owner, owner_group, vo, cpu_time, priority, jobs, processors,
                                                  sites, banned_sites, platforms, tags, job_types, grid_ces)
                    values (:tqId, :owner, :ownerGroup, :vo, :cpuTime, :priority, :jobs, :processors,
                            :sites, :bannedSites, :platforms, :tags, :jobTypes, :gridCes)
                    on conflict (tq_id) do update set
                        owner = excluded.owner, owner_group = excluded.owner_group, vo = excluded.vo,
                        cpu_time = excluded.cpu_time, priority = excluded.priority, jobs = excluded.jobs,
                        processors = excluded.processors, sites = excluded.sites, banned_sites = excluded.banned_sites,
                        platforms = excluded.platforms, tags = excluded.tags, job_types = excluded.job_types,
                        grid_ces = excluded.grid_ces""");
            for (DiracTaskQueue tq : changed) {
                batch.bind("tqId", tq.tqId()).bind("owner", tq.owner()).bind("ownerGroup", tq.ownerGroup())
                        .bind("vo", tq.vo()).bind("cpuTime", tq.cpuTime()).bind("priority", tq.priority())
                        .bind("jobs", tq.jobs()).bind("processors", tq.processors())
                        .bind("sites", tq.sites().toArray(String[]::new))
                        .bind("bannedSites", tq.bannedSites().toArray(String[]::new))
                        .bind("platforms", tq.platforms().toArray(String[]::new))
                        .bind("tags", tq.tags().toArray(String[]::new))
                        .bind("jobTypes", tq.jobTypes().toArray(String[]::new))
                        .bind("gridCes", tq.gridCes().toArray(String[]::new))
                        .add();
            }
            if (!changed.isEmpty()) {
                batch.execute();
            }
            h.createUpdate("update demand_source set refreshed_at = :at").bind("at", readAt).execute();
        });
    }

    /** DIRAC's task queues as pilotd's database holds them now, by id. */
    public Map<Long, DiracTaskQueue> diracSnapshot() {
        Map<Long, DiracTaskQueue> snapshot = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        select tq_id, owner, owner_group, vo, cpu_time, priority, jobs,
                               sites, banned_sites, platforms, tags, job_types, grid_ces
                        from dirac_task_queue""")
                .map((rs, ctx) -> new DiracTaskQueue(rs.getLong("tq_id"), rs.getString("owner"), rs.getString("owner_group"),
                        rs.getString("vo"), rs.getLong("cpu_time"), rs.getDouble("priority"), rs.getInt("jobs"),
                        strings(rs, "sites"), strings(rs, "banned_sites"), strings(rs, "platforms"), strings(rs, "tags"),
                        strings(rs, "job_types"), strings(rs, "grid_ces")))
                .forEach(tq -> snapshot.put(tq.tqId(), tq)));
        return snapshot;
    }

    private static List<String> strings(ResultSet rs, String column) throws SQLException {
        return List.of((String[]) rs.getArray(column).getArray());
    }

    /**
     * Sets every DIRAC task queue's waiting jobs to none: what pilotd no longer knows, it does
     * not submit for.
     */
    public void forgetDiracJobs() {
        jdbi.useHandle(h -> h.execute("update dirac_task_queue set jobs = 0 where jobs > 0"));
    }

    /**
     * The source in force, for the metrics.
     *
     * @param diracReadAt when DIRAC's TaskQueueDB was last read (null: never, or not the source)
     * @param mirrorPending changes of pilots not yet copied to DIRAC's PilotAgents (-1: no mirror)
     */
    public record State(String source, Instant diracReadAt, long mirrorPending) {
    }

    public State state() {
        return jdbi.withHandle(h -> h.createQuery("""
                        select name, refreshed_at,
                               case when mirror then (select count(*) from pilot_agents_outbox) else -1 end as pending
                        from demand_source""")
                .map((rs, ctx) -> new State(rs.getString("name"),
                        rs.getTimestamp("refreshed_at") == null ? null : rs.getTimestamp("refreshed_at").toInstant(),
                        rs.getLong("pending")))
                .one());
    }
}
