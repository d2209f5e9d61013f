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

    /** The site's queues with their shared demand and what they hold, for sharing its caps. */
    public List<SiteQueue> queues(Handle h, String site) {
        return h.createQuery("""
                        select q.name, q.processors, q.max_running, q.max_waiting, q.enabled, q.backoff_until,
                               coalesce(d.waiting_jobs, 0) as waiting_jobs, coalesce(d.demand, 0) as demand,
                               coalesce(sum(c.pilots), 0) as alive,
                               coalesce(sum(c.pilots) filter (where pilot_is_waiting(c.status)), 0) as waiting
                        from queue q
                        left join queue_shared_demand(array(select name from queue where site = :site)) d on d.queue = q.name
                        left join queue_pilot_count c on c.queue = q.name
                        where q.site = :site
                        group by q.name, q.processors, q.max_running, q.max_waiting, q.enabled, q.backoff_until,
                                 d.waiting_jobs, d.demand
                        order by q.name""")
                .bind("site", site)
                .map((rs, ctx) -> new SiteQueue(rs.getString("name"), rs.getInt("processors"), rs.getInt("waiting_jobs"),
                        rs.getInt("demand"), rs.getInt("alive"), rs.getInt("waiting"), rs.getInt("max_running"),
                        rs.getInt("max_waiting"), rs.getBoolean("enabled"), PilotStore.instant(rs.getTimestamp("backoff_until"))))
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
