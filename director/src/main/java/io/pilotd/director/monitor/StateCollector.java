package io.pilotd.director.monitor;

import io.pilotd.director.demand.DemandStore;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueState;
import io.pilotd.director.store.QueueWork;
import io.pilotd.director.store.StatusStore;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gauges read when Prometheus scrapes: the pilots each queue holds, its demand and limits,
 * its back-off and last decision (two queries, by index), its proxy, the database pool. A
 * database that does not answer makes {@code pilotd_database_up} 0, never a failed scrape.
 */
final class StateCollector implements MultiCollector {
    private static final Logger log = LoggerFactory.getLogger(StateCollector.class);

    private final Database database;
    private final StatusStore store;
    private final DemandStore demand;
    private final PilotEnvironment environment;
    private final List<String> queues;

    StateCollector(Database database, PilotEnvironment environment, List<String> queues) {
        this.database = database;
        this.store = new StatusStore(database.jdbi());
        this.demand = new DemandStore(database.jdbi());
        this.environment = environment;
        this.queues = List.copyOf(queues);
    }

    /** Gauges as they are filled in: name to help and data points. */
    private static final class Gauges {
        private final Map<String, GaugeSnapshot.Builder> byName = new LinkedHashMap<>();

        void add(String name, String help, double value, String... labels) {
            byName.computeIfAbsent(name, n -> GaugeSnapshot.builder().name(n).help(help))
                    .dataPoint(GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
        }

        /** Declares a gauge that may have no data point this time, so that it is always listed. */
        void declare(String name, String help) {
            byName.computeIfAbsent(name, n -> GaugeSnapshot.builder().name(n).help(help));
        }

        MetricSnapshots snapshots() {
            List<MetricSnapshot> all = new ArrayList<>();
            byName.values().forEach(b -> all.add(b.build()));
            return new MetricSnapshots(all);
        }
    }

    @Override
    public MetricSnapshots collect() {
        Gauges gauges = new Gauges();
        boolean up = database(gauges);
        gauges.add("pilotd_database_up", "1 when the database answered this scrape", up ? 1 : 0);
        Database.PoolState pool = database.poolState();
        gauges.add("pilotd_db_pool_connections", "Database connections of the pool, by state", pool.active(), "state", "active");
        gauges.add("pilotd_db_pool_connections", "Database connections of the pool, by state", pool.idle(), "state", "idle");
        gauges.add("pilotd_db_pool_max_connections", "The most connections the pool opens", pool.max());
        gauges.add("pilotd_db_pool_waiting_threads", "Threads waiting for a connection", pool.waiting());
        gauges.declare("pilotd_proxy_seconds_left", "How long each queue's proxy is valid for (0: unusable)");
        for (String queue : queues) {
            Optional<Duration> left = environment.proxyTimeLeft(queue);
            left.ifPresent(d -> gauges.add("pilotd_proxy_seconds_left",
                    "How long each queue's proxy is valid for (0: unusable)", d.toSeconds(), "queue", queue));
        }
        return gauges.snapshots();
    }

    private boolean database(Gauges gauges) {
        try {
            List<QueueState> states = store.queues();
            Map<String, Map<String, Integer>> pilots = store.livePilots();
            gauges.declare("pilotd_pilots", "Live pilots by queue and status");
            pilots.forEach((queue, byStatus) -> byStatus.forEach((status, count) ->
                    gauges.add("pilotd_pilots", "Live pilots by queue and status", count, "queue", queue, "status", status)));
            for (QueueState q : states) {
                queue(gauges, q);
            }
            work(gauges, store.work());
            demandSource(gauges, demand.state());
            String unresolved = "Pilots whose submission's outcome is not known yet (Submitting), held against the limits";
            gauges.declare("pilotd_queue_unresolved", unresolved);
            new PilotStore(database.jdbi()).unresolved().forEach((queue, u) -> {
                gauges.add("pilotd_queue_unresolved", unresolved, u.pilots(), "queue", queue);
                gauges.add("pilotd_queue_unresolved_since_timestamp_seconds", "Since when the oldest of them is unresolved",
                        seconds(u.since()), "queue", queue);
                if (u.until() != null) {
                    gauges.add("pilotd_queue_unresolved_until_timestamp_seconds",
                            "Until when the oldest of them is held against the limits, if the cloud does not show it",
                            seconds(u.until()), "queue", queue);
                }
            });
            String duty = "1 for the director that holds each cluster duty (retention, dirac-poll, pilotagents-mirror)";
            gauges.declare("pilotd_cluster_duty", duty);
            ClusterDuties.holders(database.jdbi()).forEach(h -> gauges.add("pilotd_cluster_duty", duty, 1,
                    "duty", h.duty(), "director", h.directorId()));
            return true;
        } catch (RuntimeException e) {
            log.debug("a scrape found the database away: {}", e.getMessage());
            return false;
        }
    }

    private static void demandSource(Gauges g, DemandStore.State state) {
        if (state.diracReadAt() != null) {
            g.add("pilotd_dirac_taskqueuedb_read_timestamp_seconds", "When DIRAC's TaskQueueDB was last read (demand.source: dirac)",
                    seconds(state.diracReadAt()));
        }
        if (state.mirrorPending() >= 0) {
            g.add("pilotd_dirac_pilotagents_pending", "Changes of pilots not yet copied to DIRAC's PilotAgents table",
                    state.mirrorPending());
        }
    }

    private static void queue(Gauges g, QueueState q) {
        String name = q.name();
        g.add("pilotd_queue_max_running", "The queue's maxRunning", q.maxRunning(), "queue", name);
        g.add("pilotd_queue_max_waiting", "The queue's maxWaiting", q.maxWaiting(), "queue", name);
        g.add("pilotd_queue_enabled", "1 when the queue is enabled", q.enabled() ? 1 : 0, "queue", name);
        g.add("pilotd_queue_backoff", "1 while the queue backs off (reason: refused, cloud, failing)",
                q.backoffUntil() != null ? 1 : 0, "queue", name, "reason", q.backoffReason() == null ? "" : q.backoffReason());
        if (q.lastCycleStarted() == null) {
            return;
        }
        g.add("pilotd_queue_waiting_jobs", "Waiting jobs the queue could serve, at its last cycle",
                q.waitingJobs(), "queue", name);
        g.add("pilotd_queue_demand", "Pilots those jobs still called for (every queue's counted), at its last cycle",
                q.demand(), "queue", name);
        g.add("pilotd_queue_last_cycle_timestamp_seconds", "When the queue's last cycle ended",
                seconds(q.lastCycleEnded()), "queue", name);
        g.add("pilotd_queue_last_decision", "The term that bound the queue's last decision (1 for it)", 1,
                "queue", name, "decided_by", q.decidedBy());
    }

    /** What each queue's pilots did in the last 24 hours, and what they cost where the queue has a price. */
    private static void work(Gauges g, List<QueueWork> work) {
        String ended = "Pilots that ended in the last 24 h";
        String empty = "Of them, those that ran and took no job";
        String jobs = "Jobs per pilot that ran, of those that ended in the last 24 h";
        String time = "Time (submission to end) of the pilots that ended in the last 24 h, summed";
        String cost = "What they cost at the queue's price (price in the config)";
        String emptyCost = "What the empty ones of them cost";
        for (String[] gauge : new String[][] {{"pilotd_queue_pilots_ended_24h", ended}, {"pilotd_queue_empty_pilots_24h", empty},
            {"pilotd_queue_jobs_per_pilot_24h", jobs}, {"pilotd_queue_pilot_time_seconds", time}, {"pilotd_queue_cost_24h", cost},
            {"pilotd_queue_empty_cost_24h", emptyCost}}) {
            g.declare(gauge[0], gauge[1]);
        }
        for (QueueWork w : work) {
            g.add("pilotd_queue_pilots_ended_24h", ended, w.ended(), "queue", w.queue());
            g.add("pilotd_queue_empty_pilots_24h", empty, w.empty(), "queue", w.queue());
            if (w.jobsPerPilot() != null) {
                g.add("pilotd_queue_jobs_per_pilot_24h", jobs, w.jobsPerPilot().doubleValue(), "queue", w.queue());
            }
            g.add("pilotd_queue_pilot_time_seconds", time, w.pilotHours().doubleValue() * 3600, "queue", w.queue());
            if (w.cost() != null) {
                g.add("pilotd_queue_cost_24h", cost, w.cost().doubleValue(), "queue", w.queue());
                g.add("pilotd_queue_empty_cost_24h", emptyCost, w.emptyCost().doubleValue(), "queue", w.queue());
            }
        }
    }

    private static double seconds(Instant instant) {
        return instant.toEpochMilli() / 1000.0;
    }
}
