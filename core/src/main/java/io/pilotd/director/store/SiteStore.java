package io.pilotd.director.store;

import io.pilotd.director.config.SiteConfig;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/** The site table: caps over all of a site's queues, and what the queues hold together. */
public final class SiteStore {
    private static final String USAGE = "select site, max_running, max_waiting, max_cores, alive, waiting, cores from site_usage";

    private final Jdbi jdbi;
    private final SharedDemand demands;

    public SiteStore(Jdbi jdbi) {
        this.jdbi = jdbi;
        this.demands = new SharedDemand(jdbi);
    }

    /**
     * Writes the configured sites; with {@code overwrite}, sites gone from the config keep their
     * rows, uncapped, and the others take the config's caps; without, only missing sites are added.
     */
    public void sync(Map<String, SiteConfig> sites, boolean overwrite) {
        jdbi.useTransaction(h -> {
            if (overwrite) {
                h.createUpdate("""
                        update site set configured = false, max_running = null, max_waiting = null, max_cores = null""")
                        .execute();
            }
            if (sites.isEmpty()) {
                return;
            }
            PreparedBatch batch = h.prepareBatch("""
                    insert into site (name, max_running, max_waiting, max_cores, configured)
                    values (:name, :maxRunning, :maxWaiting, :maxCores, true)
                    """ + (overwrite ? """
                    on conflict (name) do update set max_running = excluded.max_running,
                        max_waiting = excluded.max_waiting, max_cores = excluded.max_cores,
                        configured = true, updated_at = now()""" : "on conflict (name) do nothing"));
            sites.forEach((name, site) -> batch.bind("name", name).bind("maxRunning", site.maxRunning())
                    .bind("maxWaiting", site.maxWaiting()).bind("maxCores", site.maxCores()).add());
            batch.execute();
        });
    }

    /**
     * The site's queues with their demand and what they hold, for sharing its caps: read in as
     * many rows as the site has queues, whatever its pilots and jobs. The deciding queue's demand
     * is the one its decision just counted; another queue's is what its last cycle left (the
     * demand it counted less what it started), counted afresh (one more statement) only when that
     * cycle is older than two of its periods or there is none.
     */
    public List<SiteQueue> queues(Handle h, String site, String deciding, SharedDemand.Demand decidingDemand) {
        record Row(SiteQueue queue, boolean recent) {
        }
        List<Row> rows = h.createQuery("""
                        select q.name, q.processors, q.max_running, q.max_waiting, q.enabled, q.backoff_until,
                               coalesce(last.waiting_jobs, 0) as waiting_jobs,
                               greatest(0, coalesce(last.demand - last.submitted, 0)) as demand,
                               coalesce(last.recent, false) as recent, n.alive, n.waiting
                        from queue q
                        left join lateral (select waiting_jobs, demand, submitted,
                                                  started_at > now() - make_interval(secs => 2 * q.cycle_seconds) as recent
                                           from director_cycle c where c.queue = q.name
                                           order by started_at desc limit 1) last on true
                        cross join lateral supply_of(q.name) n
                        where q.site = :site
                        order by q.name""")
                .bind("site", site)
                .map((rs, ctx) -> new Row(new SiteQueue(rs.getString("name"), rs.getInt("processors"),
                        rs.getInt("waiting_jobs"), rs.getInt("demand"), rs.getInt("alive"), rs.getInt("waiting"),
                        rs.getInt("max_running"), rs.getInt("max_waiting"), rs.getBoolean("enabled"),
                        PilotStore.instant(rs.getTimestamp("backoff_until"))), rs.getBoolean("recent")))
                .list();
        List<String> stale = rows.stream().filter(r -> !r.recent() && !r.queue().name().equals(deciding))
                .map(r -> r.queue().name()).toList();
        Map<String, SharedDemand.Demand> counted = new HashMap<>(stale.isEmpty() ? Map.of() : demands.of(h, stale));
        counted.put(deciding, decidingDemand);
        return rows.stream().map(Row::queue).map(q -> counted.containsKey(q.name()) ? q.withDemand(counted.get(q.name())) : q)
                .toList();
    }

    public List<SiteRow> all() {
        return jdbi.withHandle(h -> h.createQuery(USAGE + " order by site").map(SiteStore::row).list());
    }

    private static SiteRow row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new SiteRow(rs.getString("site"), rs.getObject("max_running", Integer.class),
                rs.getObject("max_waiting", Integer.class), rs.getObject("max_cores", Integer.class),
                rs.getInt("alive"), rs.getInt("waiting"), rs.getInt("cores"));
    }
}
