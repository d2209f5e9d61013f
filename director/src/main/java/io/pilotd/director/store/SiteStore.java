package io.pilotd.director.store;

import io.pilotd.director.config.SiteConfig;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    public SiteStore(Jdbi jdbi) {
        this.jdbi = jdbi;
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
     * demand it counted less what it started), counted afresh only when that cycle is older than
     * two of its periods or there is none.
     */
    public List<SiteQueue> queues(Handle h, String site, String deciding, SharedDemand.Demand decidingDemand) {
        return h.createQuery("""
                        with site_queue as (
                            select q.name, q.processors, q.max_running, q.max_waiting, q.enabled, q.backoff_until,
                                   case when recent then last.waiting_jobs end as last_jobs,
                                   case when recent then greatest(0, last.demand - last.submitted) end as last_demand
                            from queue q
                            left join lateral (select waiting_jobs, demand, submitted,
                                                      started_at > now() - make_interval(secs => 2 * q.cycle_seconds) as recent
                                               from director_cycle c where c.queue = q.name
                                               order by started_at desc limit 1) last on true
                            where q.site = :site),
                        counted as (
                            select * from queue_shared_demand(array(
                                select name from site_queue where last_jobs is null and name <> :deciding)))
                        select sq.name, sq.processors, sq.max_running, sq.max_waiting, sq.enabled, sq.backoff_until,
                               coalesce(d.waiting_jobs, sq.last_jobs, 0) as waiting_jobs,
                               coalesce(d.demand, sq.last_demand, 0) as demand,
                               coalesce(sum(c.pilots), 0) as alive,
                               coalesce(sum(c.pilots) filter (where pilot_is_waiting(c.status)), 0) as waiting
                        from site_queue sq
                        left join counted d on d.queue = sq.name
                        left join queue_pilot_count c on c.queue = sq.name
                        group by sq.name, sq.processors, sq.max_running, sq.max_waiting, sq.enabled, sq.backoff_until,
                                 d.waiting_jobs, sq.last_jobs, d.demand, sq.last_demand
                        order by sq.name""")
                .bind("site", site).bind("deciding", deciding)
                .map((rs, ctx) -> {
                    String name = rs.getString("name");
                    boolean mine = name.equals(deciding);
                    return new SiteQueue(name, rs.getInt("processors"),
                            mine ? decidingDemand.waitingJobs() : rs.getInt("waiting_jobs"),
                            mine ? decidingDemand.pilotsNeeded() : rs.getInt("demand"), rs.getInt("alive"),
                            rs.getInt("waiting"), rs.getInt("max_running"), rs.getInt("max_waiting"),
                            rs.getBoolean("enabled"), PilotStore.instant(rs.getTimestamp("backoff_until")));
                })
                .list();
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
