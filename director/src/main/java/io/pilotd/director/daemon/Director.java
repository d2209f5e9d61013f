package io.pilotd.director.daemon;

import io.pilotd.director.background.Background;
import io.pilotd.director.config.ClusterSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.RetentionSettings;
import io.pilotd.director.cycle.QueueCycle;
import io.pilotd.director.cycle.QueueDrivers;
import io.pilotd.director.demand.DemandSource;
import io.pilotd.director.demand.DemandSources;
import io.pilotd.director.demand.DemandStore;
import io.pilotd.director.demand.WakeUps;
import io.pilotd.director.dirac.DiracDatabase;
import io.pilotd.director.dirac.PilotAgentsMirror;
import io.pilotd.director.dirac.PilotAgentsOutbox;
import io.pilotd.director.dirac.PilotAgentsWriter;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.endpoint.Endpoint;
import io.pilotd.director.monitor.DirectorMetrics;
import io.pilotd.director.monitor.StatusServer;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.ClusterSettingStore;
import io.pilotd.director.store.ConfigMirror;
import io.pilotd.director.store.CycleLocks;
import io.pilotd.director.store.CycleRecord;
import io.pilotd.director.store.CycleStore;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.DatabaseHealth;
import io.pilotd.director.store.DirectorRegistry;
import io.pilotd.director.store.DriverSetups;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueStore;
import io.pilotd.director.store.Retention;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.Durations;
import io.pilotd.driver.api.PilotDriver;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon: mirrors the configured queues into the database, builds their drivers, and has
 * Quartz run each queue's cycle on its period until it is stopped; its demand source wakes the
 * queues that serve new waiting jobs between periods.
 */
public final class Director implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Director.class);
    /** Rows per delete, and deletes per run of each: at most 400,000 rows every 10 minutes. */
    private static final int RETENTION_BATCH = 10_000;
    private static final int RETENTION_BATCHES_PER_RUN = 20;

    /** The config in force: a reload changes its queues and sites. */
    private volatile PilotdConfig config;
    private final Database database;
    private final String directorId;
    private final QueueDrivers drivers;
    private volatile QueueCycle cycle;
    private final CycleLocks cycleLocks;
    private final ClusterDuties duties;
    private final Retention retention;
    private final CycleLanes lanes;
    private QueueScheduler scheduler;
    private Watchdog watchdog;
    private final DatabaseHealth health = new DatabaseHealth();
    private final DirectorMetrics metrics;
    /** What pilots are given, as at the start: the status page's and the endpoint's (a reload gives the cycles a new one). */
    private final PilotEnvironment environment;
    private final DriverCatalog catalog;
    private final Path dataDir;
    private StatusServer statusServer;
    private Endpoint endpoint;
    private final WakeUps wakeUps;
    private DemandSource demand;
    private PilotAgentsMirror mirror;
    private final HistoryRetention retentionDuty;
    private final SkippedCycles skipped;
    /** The watchdog, the demand source's reads, the mirror, the retention and the wake-ups: stopped together. */
    private final Background background;
    /** When each queue's driver last trimmed what ended pilots left. */
    private final Map<String, Instant> pilotFilesTrimmed = new ConcurrentHashMap<>();

    private Director(PilotdConfig config, Database database, String directorId, QueueDrivers drivers,
                     DirectorMetrics metrics, DriverCatalog catalog, Path dataDir) {
        this.config = config;
        this.catalog = catalog;
        this.dataDir = dataDir;
        this.database = database;
        this.directorId = directorId;
        this.drivers = drivers;
        this.metrics = metrics;
        this.environment = PilotEnvironment.of(config, directorId, Clock.systemUTC());
        this.cycle = new QueueCycle(database.jdbi(), environment, directorId, Clock.systemUTC(),
                config.director().sweepEvery());
        this.cycleLocks = new CycleLocks(database.jdbi());
        this.duties = new ClusterDuties(database.jdbi(), directorId);
        this.retention = new Retention(database.jdbi(), RETENTION_BATCH, RETENTION_BATCHES_PER_RUN);
        this.lanes = new CycleLanes(config.director().threads());
        this.background = Background.threads(metrics::backgroundRan);
        this.skipped = new SkippedCycles(metrics::cycleSkipped);
        this.wakeUps = new WakeUps(config.demand().minGap(), Clock.systemUTC(), this::wake, background);
        this.retentionDuty = new HistoryRetention(duties, this::trimHistory, health);
    }

    /**
     * Starts the director on a database whose schema is current.
     *
     * @throws DirectorRegistry.AnotherDirectorException when another director holds the database
     *                                                   (it is not clustered, or this one is not)
     */
    public static Director start(PilotdConfig config, Database database, DriverCatalog catalog, Path dataDir)
            throws SchedulerException {
        String directorId = DirectorId.of(config.director());
        boolean clustered = config.director().clustered();
        agreeWithTheCluster(config, database, directorId);
        Supplier<DirectorRegistry> register = () -> DirectorRegistry.register(database.jdbi(), directorId,
                DirectorId.host(), ProcessHandle.current().pid(), clustered);
        DirectorRegistry registry = register.get();
        DirectorMetrics metrics = new DirectorMetrics();
        QueueDrivers drivers;
        try {
            ConfigMirror.sync(database.jdbi(), config);
            new DemandStore(database.jdbi()).use(config.demand().source(), config.dirac().pilotAgentsDB() != null);
            drivers = QueueDrivers.create(config.queues(), catalog, directorId, dataDir, metrics::metered);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        Director director = new Director(config, database, directorId, drivers, metrics, catalog, dataDir);
        director.watchdog = new Watchdog(database, director.health, registry, register, director.background);
        try {
            List<QueueScheduler.Retired> retired = drivers.addRetired(new DriverSetups(database.jdbi()).retired(),
                            catalog, directorId, dataDir).stream()
                    .map(s -> new QueueScheduler.Retired(s.id(), new QueueStore(database.jdbi()).get(s.queue()).cycle()))
                    .toList();
            Map<String, Duration> lastCycles = new HashMap<>();
            new CycleStore(database.jdbi()).latest().forEach((queue, cycle) -> {
                lastCycles.put(queue, Duration.between(cycle.startedAt(), cycle.endedAt()));
                director.wakeUps.started(queue, cycle.startedAt());
            });
            director.lanes.slowAtStart(lastCycles);
            if (config.director().metricsPort() > 0) {
                director.statusServer = director.serveStatus(config.director().metricsAddress(),
                        config.director().metricsPort());
            }
            director.openDemand(System.getenv());
            director.scheduler = QueueScheduler.start(director, database.dataSource(), directorId,
                    config.director().clustered(), config.queues(), retired);
            director.retentionDuty.start(director.background, config.director().retention().every());
            director.followDemand();
            if (config.endpoint().on()) {
                director.endpoint = Endpoint.start(config, new Endpoint.Daemon(database.jdbi(), director.environment,
                        catalog, directorId, dataDir, metrics::metered, metrics::endpointAnswered));
            }
        } catch (SchedulerException | RuntimeException e) {
            director.stopFollowingDemand();
            if (director.scheduler != null) {
                director.scheduler.stop(config.director().shutdownGrace());
            }
            if (director.statusServer != null) {
                director.statusServer.close();
            }
            director.watchdog.close();
            drivers.close();
            throw e;
        }
        log.info("director {} started: {} queue(s) on {}{}", directorId, config.queues().size(),
                database.description(), config.director().clustered() ? ", clustered" : "");
        return director;
    }

    /**
     * A director that joins a cluster whose other directors run must bring their settings: it is
     * refused, with every difference named, before it writes anything. Alone, its file is the
     * cluster's (ConfigMirror writes it).
     */
    private static void agreeWithTheCluster(PilotdConfig config, Database database, String directorId) {
        // a director that is not clustered, or beside one that is not, is refused by the registry
        List<DirectorRegistry.Running> running = DirectorRegistry.running(database.jdbi()).stream()
                .filter(DirectorRegistry.Running::clustered).toList();
        if (!config.director().clustered() || running.isEmpty()) {
            return;
        }
        SortedMap<String, String> inForce = new ClusterSettingStore(database.jdbi()).inForce();
        List<String> differences = inForce.isEmpty() ? List.of()
                : ClusterSettings.differences(ClusterSettings.of(config), inForce);
        if (!differences.isEmpty()) {
            throw new ClusterSettings.DisagreementException("director " + directorId + " is refused: its config differs"
                    + " from the cluster's, which " + running.stream().map(DirectorRegistry.Running::directorId).toList()
                    + " run with (give every director of a cluster the same queues, sites, demand, dirac, pilot and"
                    + " proxy settings; stop them all to change those):\n  " + String.join("\n  ", differences));
        }
    }

    public String id() {
        return directorId;
    }

    /** The demand source, and the PilotAgents mirror when dirac.pilotAgentsDB is set: a password unread fails here. */
    private void openDemand(Map<String, String> env) {
        demand = DemandSources.of(config, database, duties, background, env);
        if (config.dirac().pilotAgentsDB() != null) {
            mirror = new PilotAgentsMirror(new PilotAgentsOutbox(database.jdbi()), new PilotAgentsWriter(
                    DiracDatabase.open("dirac.pilotAgentsDB", config.dirac().pilotAgentsDB(), false, env)),
                    new PilotStore(database.jdbi()), duties, Clock.systemUTC(),
                    config.dirac().touchEvery());
        }
    }

    /** Starts following the demand source (its wake-ups) and mirroring pilots. */
    private void followDemand() {
        demand.start(wakeUps::wake);
        if (mirror != null) {
            mirror.start(background, config.dirac().mirrorEvery());
        }
    }

    /** Stops the background (the watchdog with it), then closes what its tasks used. */
    private void stopFollowingDemand() {
        background.close();
        if (demand != null) {
            demand.close();
        }
        if (mirror != null) {
            mirror.close();
        }
        duties.close();
    }

    /** Serves this director's metrics, health and status page (director.metricsPort). */
    private StatusServer serveStatus(String address, int port) {
        return StatusServer.start(address, port, directorId, database, metrics, environment,
                config.queues().stream().map(QueueConfig::name).toList());
    }

    /** SIGHUP: the endpoint's TLS certificate, key and trust anchors read again, when it serves. */
    public void reloadEndpointCredentials() {
        if (endpoint != null) {
            endpoint.reloadCredentials();
        }
    }

    /** The port of the serverless endpoint, when the config has one. */
    public Optional<Integer> endpointPort() {
        return Optional.ofNullable(endpoint).map(Endpoint::port);
    }

    /** The port of the metrics, health and status page, when director.metricsPort opened one. */
    public Optional<Integer> statusPort() {
        return Optional.ofNullable(statusServer).map(StatusServer::port);
    }

    /**
     * Hands a queue's due cycle to the director's threads ({@link CycleLanes}): Quartz calls this
     * for each queue of a trigger that fired, and goes on at once.
     *
     * @param due when it was due: a cycle that runs late runs, and says how late
     * @return false when the queue was waiting or cycling already, or the director is stopping
     */
    public boolean handOver(String queue, Instant due) {
        boolean handed = handOver(queue, due, false);
        if (!handed && !lanes.stopping()) {
            skipped.skipped(queue);
        }
        return handed;
    }

    /** Hands over a cycle that new jobs woke before its time: it follows its pilots before it decides. */
    private boolean wake(String queue, Instant due) {
        return handOver(queue, due, true);
    }

    private boolean handOver(String queue, Instant due, boolean woken) {
        return lanes.handOver(queue, () -> {
            skipped.started(queue);
            try {
                cycle(queue, due, woken);
                health.succeeded();
            } catch (RuntimeException e) {
                // A database outage is said once, by DatabaseHealth; any other failure here.
                if (!health.failed(e)) {
                    log.error("[{}] cycle failed: {}", queue, e.getMessage(), e);
                }
            }
        });
    }

    /**
     * Runs one cycle of a queue now, unless one runs already, here or in another director of
     * the cluster.
     *
     * @param due when it was due
     * @return the cycle's record, or empty when it was skipped
     */
    public Optional<CycleRecord> cycle(String queue, Instant due) {
        return cycle(queue, due, false);
    }

    private Optional<CycleRecord> cycle(String queue, Instant due, boolean woken) {
        Optional<CycleLocks.Held> lock = cycleLocks.tryLock(queue);
        if (lock.isEmpty()) {
            log.debug("[{}] a cycle of this queue runs already: this one is skipped", queue);
            return Optional.empty();
        }
        try (CycleLocks.Held held = lock.get()) {
            Optional<PilotDriver> configured = drivers.find(queue);
            if (configured.isEmpty()) {
                // a fire of a trigger that a reload had not yet rid of this queue (or another director's, before its reload)
                log.debug("[{}] no longer configured: its cycle is skipped", queue);
                return Optional.empty();
            }
            PilotDriver driver = configured.get();
            CycleRecord record = cycle.run(queue, driver, due, woken);
            wakeUps.started(queue, record.startedAt());
            lanes.took(queue, Duration.between(record.startedAt(), record.endedAt()));
            metrics.cycled(record);
            trimPilotFilesIfDue(queue, driver);
            return Optional.of(record);
        }
    }

    /**
     * Deletes cycle records and ended pilots' status history older than {@code director.retention}
     * (the holder of the cluster's retention duty calls this every {@code retention.every}), a
     * bounded amount per call.
     */
    public Retention.Trimmed trimHistory() {
        RetentionSettings keep = config.director().retention();
        Instant now = Instant.now();
        Retention.Trimmed trimmed = retention.trim(now.minus(keep.cycles()), now.minus(keep.pilotHistory()),
                now.minus(keep.endpointAudit()));
        if (trimmed.cycles() + trimmed.history() + trimmed.audit() > 0) {
            log.info("history trimmed: {} cycle record(s) older than {}, {} status change(s) of ended pilots older than {},"
                            + " {} endpoint audit row(s) older than {}{}",
                    trimmed.cycles(), Durations.format(keep.cycles()), trimmed.history(),
                    Durations.format(keep.pilotHistory()), trimmed.audit(), Durations.format(keep.endpointAudit()),
                    trimmed.more() ? "; more at the next run" : "");
        }
        return trimmed;
    }

    /**
     * Every {@code retention.every}, has the queue's driver delete what it keeps of
     * pilots that ended before {@code retention.pilotFiles}: within the queue's cycle, since a
     * driver is called by one cycle at a time; and by whichever director cycles the queue, since
     * what a driver keeps may be on that director's host (the local driver's pilot directories).
     */
    private void trimPilotFilesIfDue(String queue, PilotDriver driver) {
        Instant now = Instant.now();
        Instant last = pilotFilesTrimmed.get(queue);
        Duration every = config.director().retention().every();
        if (last != null && last.plus(every).isAfter(now)) {
            return;
        }
        pilotFilesTrimmed.put(queue, now);
        Duration keep = config.director().retention().pilotFiles();
        try {
            int trimmed = driver.trim(now.minus(keep));
            if (trimmed > 0) {
                log.info("[{}] the files of {} pilot(s) that ended more than {} ago deleted", queue, trimmed,
                        Durations.format(keep));
            }
        } catch (DriverException e) {
            log.warn("[{}] the files of ended pilots could not be trimmed (tried again in {}): {}", queue,
                    Durations.format(every), e.getMessage());
        }
    }

    /**
     * Applies a new config, valid already, without a restart: its new, changed and removed queues
     * and its sites. The cycles in flight finish with what they started with; every later cycle
     * uses the new config; a queue that stays keeps its cycle times. A removed queue is retired:
     * its pilots are followed to their end, as are those of a queue whose driver or parameters
     * changed. What only a restart applies (the director's, database, endpoint, demand, dirac,
     * pilot and proxy settings) refuses the whole reload, and nothing changes.
     *
     * @return whether it was applied
     */
    public synchronized boolean reload(PilotdConfig next) {
        List<String> restartOnly = restartOnly(config, next);
        if (!restartOnly.isEmpty()) {
            log.error("the config was not reloaded, nothing changed: {} change(s) only with a restart: {}", restartOnly.size(),
                    String.join(", ", restartOnly));
            return false;
        }
        Map<String, QueueConfig> before = new HashMap<>();
        config.queues().forEach(q -> before.put(q.name(), q));
        List<QueueConfig> newDrivers = next.queues().stream().filter(q -> before.get(q.name()) == null
                || !before.get(q.name()).driver().equals(q.driver())
                || !before.get(q.name()).parameters().equals(q.parameters())).toList();
        Set<String> removed = new TreeSet<>(before.keySet());
        next.queues().forEach(q -> removed.remove(q.name()));
        List<String> added = next.queues().stream().map(QueueConfig::name).filter(q -> !before.containsKey(q)).toList();
        List<String> changed = next.queues().stream().filter(q -> before.containsKey(q.name()) && !before.get(q.name()).equals(q))
                .map(QueueConfig::name).toList();
        QueueDrivers fresh = QueueDrivers.create(newDrivers, catalog, directorId, dataDir, metrics::metered);
        try {
            ConfigMirror.sync(database.jdbi(), next);
        } catch (RuntimeException e) {
            fresh.close();
            throw e;
        }
        drivers.replace(fresh, removed);
        cycle = new QueueCycle(database.jdbi(), PilotEnvironment.of(next, directorId, Clock.systemUTC()), directorId,
                Clock.systemUTC(), next.director().sweepEvery());
        config = next;
        try {
            scheduler.reload(next.queues(), retiredToFollow());
        } catch (SchedulerException e) {
            throw new IllegalStateException("the reloaded queues could not be scheduled: " + e.getMessage(), e);
        }
        log.info("config reloaded: {} queue(s); {} new {}, {} changed {}, {} removed {} (their pilots followed to their end)",
                next.queues().size(), added.size(), added, changed.size(), changed, removed.size(), removed);
        return true;
    }

    /** The sections of {@code next} that differ from {@code now} and that only a restart applies. */
    static List<String> restartOnly(PilotdConfig now, PilotdConfig next) {
        Map<String, Boolean> same = new LinkedHashMap<>();
        same.put("director", now.director().equals(next.director()));
        same.put("database", now.database().equals(next.database()));
        same.put("endpoint", now.endpoint().equals(next.endpoint()));
        same.put("demand", now.demand().equals(next.demand()));
        same.put("dirac", now.dirac().equals(next.dirac()));
        same.put("pilot", now.pilot().equals(next.pilot()));
        same.put("proxy", now.proxy().equals(next.proxy()));
        return same.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
    }

    /**
     * Follows the pilots of every retired driver set-up this director has no driver for yet (a
     * queue removed, or whose driver changed), with the driver they were started with.
     *
     * @return every retired set-up followed now, with its queue's period
     */
    private List<QueueScheduler.Retired> retiredToFollow() {
        Set<Long> followed = drivers.retiredSetups();
        List<DriverSetups.Setup> setups = new DriverSetups(database.jdbi()).retired();
        drivers.addRetired(setups.stream().filter(s -> !followed.contains(s.id())).toList(), catalog, directorId, dataDir);
        Set<Long> now = drivers.retiredSetups();
        QueueStore queues = new QueueStore(database.jdbi());
        return setups.stream().filter(s -> now.contains(s.id()))
                .map(s -> new QueueScheduler.Retired(s.id(), queues.get(s.queue()).cycle())).toList();
    }

    /** Why the daemon must stop, once it must: what the watchdog could not mend. */
    public Optional<String> fatal() {
        return watchdog.fatal();
    }

    /**
     * Follows the pilots of a retired driver set-up (Quartz calls this on its queue's period).
     *
     * @return true while some are alive; once none is, its driver is closed
     */
    public boolean followRetired(long setup) {
        String queue = new DriverSetups(database.jdbi()).queueOf(setup);
        boolean alive = cycle.followRetired(queue, setup, drivers.retired(setup));
        if (!alive) {
            log.info("[{}] the last pilot of retired driver set-up {} has ended", queue, setup);
            drivers.closeRetired(setup);
        }
        return alive;
    }

    /** Finishes the cycles in flight (their driver calls recorded), then releases everything. */
    @Override
    public void close() {
        log.info("director {} stopping: finishing the cycles in flight", directorId);
        Instant deadline = Instant.now().plus(config.director().shutdownGrace());
        if (endpoint != null) {
            endpoint.close();
        }
        stopFollowingDemand();
        if (scheduler != null) {
            scheduler.stop(config.director().shutdownGrace());
        }
        lanes.closeIntake();
        lanes.await(deadline);
        if (statusServer != null) {
            statusServer.close();
        }
        cycleLocks.close();
        watchdog.close();
        drivers.close();
        log.info("director {} stopped", directorId);
    }
}
