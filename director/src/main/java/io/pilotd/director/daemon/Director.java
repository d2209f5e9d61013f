package io.pilotd.director.daemon;

import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.cycle.QueueCycle;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.ConfigMirror;
import io.pilotd.director.store.CycleRecord;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.DriverSetups;
import io.pilotd.director.store.QueueStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon: mirrors the configured queues into the database, builds their drivers, and has
 * Quartz run each queue's cycle on its period until it is stopped.
 */
public final class Director implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Director.class);

    private final PilotdConfig config;
    private final Database database;
    private final String directorId;
    private final QueueDrivers drivers;
    private final QueueCycle cycle;
    private QueueScheduler scheduler;

    private Director(PilotdConfig config, Database database, String directorId, QueueDrivers drivers) {
        this.config = config;
        this.database = database;
        this.directorId = directorId;
        this.drivers = drivers;
        this.cycle = new QueueCycle(database.jdbi(), new PilotEnvironment(config.pilot(), directorId),
                directorId, Clock.systemUTC(), config.director().sweepEvery());
    }

    /** Starts the director on a database whose schema is current. */
    public static Director start(PilotdConfig config, Database database, DriverCatalog catalog, Path dataDir)
            throws SchedulerException {
        String directorId = DirectorId.of(config.director());
        ConfigMirror.sync(database.jdbi(), config);
        QueueDrivers drivers = QueueDrivers.create(config.queues(), catalog, directorId, dataDir);
        Director director = new Director(config, database, directorId, drivers);
        try {
            List<QueueScheduler.Retired> retired = drivers.addRetired(new DriverSetups(database.jdbi()).retired(),
                            catalog, directorId, dataDir).stream()
                    .map(s -> new QueueScheduler.Retired(s.id(), new QueueStore(database.jdbi()).get(s.queue()).cycle()))
                    .toList();
            director.scheduler = QueueScheduler.start(director, database.dataSource(), directorId,
                    config.director().clustered(), config.director().threads(), config.queues(), retired);
        } catch (SchedulerException | RuntimeException e) {
            drivers.close();
            throw e;
        }
        log.info("director {} started: {} queue(s) on {}{}", directorId, config.queues().size(),
                database.description(), config.director().clustered() ? ", clustered" : "");
        return director;
    }

    public String id() {
        return directorId;
    }

    /** Runs one cycle of a queue now (Quartz calls this on the queue's period). */
    public CycleRecord cycle(String queue) {
        return cycle.run(queue, drivers.get(queue));
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
        if (scheduler != null) {
            scheduler.stop(config.director().shutdownGrace());
        }
        drivers.close();
        log.info("director {} stopped", directorId);
    }
}
