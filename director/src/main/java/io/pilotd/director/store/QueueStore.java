package io.pilotd.director.store;

import io.pilotd.director.config.QueueConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The queue table: the configured queues, mirrored so that SQL can lock and match them. */
public final class QueueStore {
    private final Jdbi jdbi;

    public QueueStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** Writes the configured queues; queues gone from the config keep their rows, marked unconfigured. */
    public void sync(List<QueueConfig> queues) {
        jdbi.useTransaction(h -> {
            h.createUpdate("update queue set configured = false").execute();
            PreparedBatch batch = h.prepareBatch("""
                    insert into queue (name, site, ce, ce_queue, driver, vo, platform, tags, required_tags,
                                       owner_groups, processors, memory_mb, max_cpu_time, max_running, max_waiting,
                                       max_per_cycle, cycle_seconds, max_waiting_seconds, enabled, configured)
                    values (:name, :site, :ce, :ceQueue, :driver, :vo, :platform, :tags, :requiredTags,
                            :ownerGroups, :processors, :memoryMb, :maxCpuTime, :maxRunning, :maxWaiting,
                            :maxPerCycle, :cycleSeconds, :maxWaitingSeconds, :enabled, true)
                    on conflict (name) do update set
                        site = excluded.site, ce = excluded.ce, ce_queue = excluded.ce_queue,
                        driver = excluded.driver, vo = excluded.vo, platform = excluded.platform,
                        tags = excluded.tags, required_tags = excluded.required_tags,
                        owner_groups = excluded.owner_groups, processors = excluded.processors,
                        memory_mb = excluded.memory_mb, max_cpu_time = excluded.max_cpu_time,
                        max_running = excluded.max_running, max_waiting = excluded.max_waiting,
                        max_per_cycle = excluded.max_per_cycle, cycle_seconds = excluded.cycle_seconds,
                        max_waiting_seconds = excluded.max_waiting_seconds, enabled = excluded.enabled,
                        configured = true, updated_at = now()
                    """);
            for (QueueConfig q : queues) {
                batch.bind("name", q.name())
                        .bind("site", q.site())
                        .bind("ce", q.ce())
                        .bind("ceQueue", q.queue())
                        .bind("driver", q.driver())
                        .bind("vo", q.matching().vo())
                        .bind("platform", q.matching().platform())
                        .bind("tags", q.matching().tags().toArray(String[]::new))
                        .bind("requiredTags", q.matching().requiredTags().toArray(String[]::new))
                        .bind("ownerGroups", q.matching().ownerGroups().toArray(String[]::new))
                        .bind("processors", q.matching().processors())
                        .bind("memoryMb", q.matching().memoryMB())
                        .bind("maxCpuTime", q.matching().maxCpuTime())
                        .bind("maxRunning", q.limits().maxRunning())
                        .bind("maxWaiting", q.limits().maxWaiting())
                        .bind("maxPerCycle", q.limits().maxPerCycle())
                        .bind("cycleSeconds", Math.toIntExact(Math.max(1, q.cycle().toSeconds())))
                        .bind("maxWaitingSeconds", Math.toIntExact(q.limits().maxWaitingTime().toSeconds()))
                        .bind("enabled", q.enabled())
                        .add();
            }
            if (!queues.isEmpty()) {
                batch.execute();
            }
        });
    }

    /** Live pilot counts of every queue, in one query. */
    public Map<String, QueueCounts> counts() {
        Map<String, QueueCounts> counts = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        select queue,
                               count(*) as alive,
                               count(*) filter (where status in ('Submitting', 'Submitted', 'Waiting', 'Scheduled')) as waiting,
                               count(*) filter (where status = 'Running') as running
                        from pilot
                        where status not in ('Done', 'Failed', 'Aborted', 'Deleted')
                        group by queue
                        """)
                .map((rs, ctx) -> Map.entry(rs.getString("queue"),
                        new QueueCounts(rs.getInt("alive"), rs.getInt("waiting"), rs.getInt("running"))))
                .forEach(e -> counts.put(e.getKey(), e.getValue())));
        return counts;
    }
}
