package io.pilotd.director.store;

import io.pilotd.director.config.QueueConfig;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/** The queue table: the configured queues, mirrored so that SQL can lock and match them. */
public final class QueueStore {
    private final Jdbi jdbi;

    public QueueStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Writes the configured queues; with {@code overwrite}, queues gone from the config keep their
     * rows, marked unconfigured, and the others take the config's values; without, only missing
     * queues are added.
     */
    public void sync(List<QueueConfig> queues, boolean overwrite) {
        sync(queues, Map.of(), overwrite);
    }

    /**
     * As {@link #sync(List, boolean)}, each queue offering the platform DIRAC would give it
     * ({@link io.pilotd.director.config.Matching#diracPlatform}).
     *
     * @param osCompatibility {@code dirac.osCompatibility}
     */
    public void sync(List<QueueConfig> queues, Map<String, List<String>> osCompatibility, boolean overwrite) {
        jdbi.useTransaction(h -> {
            if (overwrite) {
                h.createUpdate("update queue set configured = false").execute();
            }
            PreparedBatch batch = h.prepareBatch("""
                    insert into queue (name, site, ce, ce_queue, driver, vo, platform, tags, required_tags,
                                       job_types, owner_groups, processors, memory_mb, max_cpu_time, max_running, max_waiting,
                                       max_per_cycle, cycle_seconds, max_waiting_seconds, enabled, configured,
                                       consistency_window_seconds, max_lifetime_seconds, max_failed_pilots,
                                       failed_pilots_window_seconds, empty_pilots_window, empty_pilots_threshold,
                                       price_per_pilot_hour)
                    values (:name, :site, :ce, :ceQueue, :driver, :vo, :platform, :tags, :requiredTags,
                            :jobTypes, :ownerGroups, :processors, :memoryMb, :maxCpuTime, :maxRunning, :maxWaiting,
                            :maxPerCycle, :cycleSeconds, :maxWaitingSeconds, :enabled, true,
                            :consistencyWindowSeconds, :maxLifetimeSeconds, :maxFailedPilots, :failedPilotsWindowSeconds,
                            :emptyPilotsWindow, :emptyPilotsThreshold, :pricePerPilotHour)
                    """ + (overwrite ? """
                    on conflict (name) do update set
                        site = excluded.site, ce = excluded.ce, ce_queue = excluded.ce_queue,
                        driver = excluded.driver, vo = excluded.vo, platform = excluded.platform,
                        tags = excluded.tags, required_tags = excluded.required_tags, job_types = excluded.job_types,
                        owner_groups = excluded.owner_groups, processors = excluded.processors,
                        memory_mb = excluded.memory_mb, max_cpu_time = excluded.max_cpu_time,
                        max_running = excluded.max_running, max_waiting = excluded.max_waiting,
                        max_per_cycle = excluded.max_per_cycle, cycle_seconds = excluded.cycle_seconds,
                        max_waiting_seconds = excluded.max_waiting_seconds, enabled = excluded.enabled,
                        consistency_window_seconds = excluded.consistency_window_seconds,
                        max_lifetime_seconds = excluded.max_lifetime_seconds,
                        max_failed_pilots = excluded.max_failed_pilots,
                        failed_pilots_window_seconds = excluded.failed_pilots_window_seconds,
                        empty_pilots_window = excluded.empty_pilots_window,
                        empty_pilots_threshold = excluded.empty_pilots_threshold,
                        price_per_pilot_hour = excluded.price_per_pilot_hour,
                        configured = true, updated_at = now()
                    """ : "on conflict (name) do nothing"));
            for (QueueConfig q : queues) {
                batch.bind("name", q.name())
                        .bind("site", q.site())
                        .bind("ce", q.ce())
                        .bind("ceQueue", q.queue())
                        .bind("driver", q.driver())
                        .bind("vo", q.matching().vo())
                        .bind("platform", q.matching().diracPlatform(osCompatibility))
                        .bind("tags", q.matching().tags().toArray(String[]::new))
                        .bind("requiredTags", q.matching().requiredTags().toArray(String[]::new))
                        .bind("jobTypes", q.matching().jobTypes().toArray(String[]::new))
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
                        .bind("consistencyWindowSeconds", q.consistencyWindow() == null ? null
                                : Math.toIntExact(q.consistencyWindow().toSeconds()))
                        .bind("maxLifetimeSeconds", Math.toIntExact(q.limits().maxLifetime().toSeconds()))
                        .bind("maxFailedPilots", q.limits().maxFailedPilots())
                        .bind("failedPilotsWindowSeconds", Math.toIntExact(q.limits().failedPilotsWindow().toSeconds()))
                        .bind("emptyPilotsWindow", q.limits().emptyPilots().window())
                        .bind("emptyPilotsThreshold", q.limits().emptyPilots().threshold())
                        .bind("pricePerPilotHour", q.price() == null ? null : q.price().perPilotHour(q.matching().processors()))
                        .add();
            }
            if (!queues.isEmpty()) {
                batch.execute();
            }
            DriverSetups.record(h, queues, overwrite);
        });
    }

    static final String COLUMNS = """
            name, site, ce, ce_queue, driver, vo, processors, max_running, max_waiting, max_per_cycle,
            cycle_seconds, max_waiting_seconds, enabled, failures, backoff_until, last_error,
            consistency_window_seconds, max_lifetime_seconds, driver_setup_id, backoff_reason, max_failed_pilots,
            failed_pilots_window_seconds""";

    /**
     * A queue as its cycle starts.
     *
     * @param submitting whether some of its pilots are still {@code Submitting}: only then is there
     *                   a submission to resolve
     */
    public record Cycling(QueueRow queue, boolean submitting) {
    }

    public Cycling forCycle(String name) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + """
                        , exists (select 1 from queue_pilot_count c
                                  where c.queue = q.name and c.status = 'Submitting' and c.pilots > 0) as submitting
                        from queue q where name = :name""")
                .bind("name", name)
                .map((rs, ctx) -> new Cycling(row(rs, ctx), rs.getBoolean("submitting")))
                .findOne()
                .orElseThrow(() -> new IllegalStateException("queue " + name + " is not in the database")));
    }

    public QueueRow get(String name) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from queue where name = :name")
                .bind("name", name)
                .map(QueueStore::row)
                .findOne()
                .orElseThrow(() -> new IllegalStateException("queue " + name + " is not in the database")));
    }

    /** The queues of the config the daemon last applied; the others are retired (their pilots followed to their end). */
    public Set<String> configured() {
        return jdbi.withHandle(h -> Set.copyOf(h.createQuery("select name from queue where configured").mapTo(String.class).list()));
    }

    public List<QueueRow> all() {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from queue order by name")
                .map(QueueStore::row).list());
    }

    /** The queue submits nothing before {@code until}, for this reason ({@link QueueRow#backoffReason()}). */
    public void backOff(String name, Instant until, String reason, String error) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update queue set failures = failures + 1, backoff_until = :until, backoff_reason = :reason,
                                         last_error = :error, updated_at = now()
                        where name = :name""")
                .bind("name", name).bind("until", until).bind("reason", reason).bind("error", error).execute());
    }

    /** Live pilot counts of one queue, read inside the decision's transaction from its counters. */
    public QueueCounts counts(Handle h, String name) {
        return h.createQuery("select alive, waiting, running from supply_of(:name)")
                .bind("name", name)
                .map((rs, ctx) -> new QueueCounts(rs.getInt("alive"), rs.getInt("waiting"), rs.getInt("running")))
                .one();
    }

    /** True when none of these queues has demand left or a pilot alive. */
    public boolean idle(List<String> names) {
        return jdbi.withHandle(h -> h.createQuery("""
                        select not exists (select 1 from queue_demand where queue = any(:names) and waiting_jobs > 0)
                           and not exists (select 1 from queue_pilot_count where queue = any(:names) and pilots > 0)""")
                .bind("names", names.toArray(String[]::new)).mapTo(Boolean.class).one());
    }

    static QueueRow row(ResultSet rs, StatementContext ctx) throws SQLException {
        Integer maxWaitingSeconds = rs.getObject("max_waiting_seconds", Integer.class);
        Integer windowSeconds = rs.getObject("consistency_window_seconds", Integer.class);
        return new QueueRow(
                rs.getString("name"),
                rs.getString("site"),
                rs.getString("ce"),
                rs.getString("ce_queue"),
                rs.getString("driver"),
                rs.getString("vo"),
                rs.getInt("processors"),
                rs.getInt("max_running"),
                rs.getInt("max_waiting"),
                rs.getInt("max_per_cycle"),
                Duration.ofSeconds(rs.getInt("cycle_seconds")),
                maxWaitingSeconds == null ? null : Duration.ofSeconds(maxWaitingSeconds),
                rs.getBoolean("enabled"),
                rs.getInt("failures"),
                PilotStore.instant(rs.getTimestamp("backoff_until")),
                rs.getString("last_error"),
                windowSeconds == null ? null : Duration.ofSeconds(windowSeconds),
                Duration.ofSeconds(rs.getInt("max_lifetime_seconds")),
                rs.getObject("driver_setup_id", Long.class),
                rs.getString("backoff_reason"),
                rs.getInt("max_failed_pilots"),
                Duration.ofSeconds(rs.getInt("failed_pilots_window_seconds")));
    }

    /** Live pilot counts of every queue, in one query. */
    public Map<String, QueueCounts> counts() {
        Map<String, QueueCounts> counts = new HashMap<>();
        jdbi.useHandle(h -> h.createQuery("select queue, alive, waiting, running from queue_supply")
                .map((rs, ctx) -> Map.entry(rs.getString("queue"),
                        new QueueCounts(rs.getInt("alive"), rs.getInt("waiting"), rs.getInt("running"))))
                .forEach(e -> counts.put(e.getKey(), e.getValue())));
        return counts;
    }
}
