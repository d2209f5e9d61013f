package io.pilotd.director.cycle;

import io.pilotd.director.config.DataDirs;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.DriverSetups;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One driver instance per configured queue, and one per retired driver set-up (whose pilots are
 * still followed), built at start-up and at a reload, and closed at the end.
 */
public final class QueueDrivers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueDrivers.class);

    private final Map<String, PilotDriver> drivers;
    private final Map<Long, PilotDriver> retired = new ConcurrentHashMap<>();
    /** Drivers a reload replaced: a cycle may still be using one, so they are closed at the end. */
    private final List<PilotDriver> replaced = new CopyOnWriteArrayList<>();

    public QueueDrivers(Map<String, PilotDriver> drivers) {
        this.drivers = new ConcurrentHashMap<>(drivers);
    }

    /**
     * A reload's drivers: these queues' drivers from now on ({@code fresh}: new queues', and those
     * of queues whose driver or parameters changed), the removed queues' no more.
     */
    public void replace(QueueDrivers fresh, Set<String> removed) {
        for (Map.Entry<String, PilotDriver> e : fresh.drivers.entrySet()) {
            PilotDriver before = drivers.put(e.getKey(), e.getValue());
            if (before != null) {
                replaced.add(before);
            }
        }
        removed.forEach(queue -> {
            PilotDriver before = drivers.remove(queue);
            if (before != null) {
                replaced.add(before);
            }
        });
    }

    /** The retired set-ups followed now. */
    public Set<Long> retiredSetups() {
        return Set.copyOf(retired.keySet());
    }

    /**
     * Builds the drivers of retired set-ups. One that cannot be built (its driver is no longer
     * installed, its parameters no longer valid) is skipped with an ERROR naming it: its pilots
     * stay in the database, counted, until an operator acts.
     *
     * @return the set-ups that have a driver now
     */
    public List<DriverSetups.Setup> addRetired(List<DriverSetups.Setup> setups, DriverCatalog catalog, String directorId,
                                               Path dataDir) {
        List<DriverSetups.Setup> built = new ArrayList<>();
        for (DriverSetups.Setup setup : setups) {
            try {
                retired.put(setup.id(), forSetup(setup, catalog, directorId, dataDir));
                built.add(setup);
                log.info("[{}] following the pilots of retired driver set-up {} ({}) to their end",
                        setup.queue(), setup.id(), setup.driver());
            } catch (IllegalStateException e) {
                log.error("[{}] the pilots of driver set-up {} cannot be followed: {}", setup.queue(), setup.id(),
                        e.getMessage());
            }
        }
        return built;
    }

    /**
     * The driver a set-up's pilots were started with, as it was configured then.
     *
     * @throws IllegalStateException when that driver is no longer installed, or its parameters
     *                               are no longer valid
     */
    public static PilotDriver forSetup(DriverSetups.Setup setup, DriverCatalog catalog, String directorId, Path dataDir) {
        PilotDriverFactory factory = catalog.factory(setup.driver()).orElseThrow(() ->
                new IllegalStateException("driver '" + setup.driver() + "' is not installed"));
        DriverContext context = new DriverContext(directorId, setup.queue(), DataDirs.driverDir(dataDir, setup.queue()));
        try {
            return factory.create(new DriverParameters(setup.parameters()), context);
        } catch (InvalidParametersException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public PilotDriver retired(long setup) {
        PilotDriver driver = retired.get(setup);
        if (driver == null) {
            throw new IllegalStateException("no driver for driver set-up " + setup);
        }
        return driver;
    }

    /** Its last pilot has ended: the driver is no longer needed. */
    public void closeRetired(long setup) {
        PilotDriver driver = retired.remove(setup);
        if (driver != null) {
            driver.close();
        }
    }

    /** What the daemon wraps each queue's driver in (its metrics). */
    public interface Decorator {
        Decorator NONE = (queue, driverName, driver) -> driver;

        PilotDriver decorate(String queue, String driverName, PilotDriver driver);
    }

    public static QueueDrivers create(List<QueueConfig> queues, DriverCatalog catalog, String directorId, Path dataDir) {
        return create(queues, catalog, directorId, dataDir, Decorator.NONE);
    }

    public static QueueDrivers create(List<QueueConfig> queues, DriverCatalog catalog, String directorId, Path dataDir,
                                      Decorator decorator) {
        Map<String, PilotDriver> drivers = new LinkedHashMap<>();
        try {
            for (QueueConfig queue : queues) {
                PilotDriverFactory factory = catalog.factory(queue.driver()).orElseThrow(() ->
                        new IllegalStateException("[" + queue.name() + "] unknown driver '" + queue.driver() + "'"));
                DriverContext context = new DriverContext(directorId, queue.name(), DataDirs.driverDir(dataDir, queue.name()),
                        queue.matching().pilotSize());
                drivers.put(queue.name(), decorator.decorate(queue.name(), factory.name(),
                        factory.create(new DriverParameters(queue.parameters()), context)));
                log.debug("[{}] driver {} with {}", queue.name(), factory.name(), masked(queue.parameters(), factory));
            }
        } catch (InvalidParametersException e) {
            drivers.values().forEach(PilotDriver::close);
            throw new IllegalStateException("invalid driver parameters: " + e.getMessage(), e);
        }
        return new QueueDrivers(drivers);
    }

    /** The parameters as they may be logged: the driver's secret ones masked. */
    static Map<String, Object> masked(Map<String, Object> parameters, PilotDriverFactory factory) {
        Map<String, Object> masked = new LinkedHashMap<>(parameters);
        factory.secretParameters().forEach(name -> masked.computeIfPresent(name, (k, v) -> "***"));
        return masked;
    }

    /** The queue's driver, if the queue is configured. */
    public Optional<PilotDriver> find(String queue) {
        return Optional.ofNullable(drivers.get(queue));
    }

    public PilotDriver get(String queue) {
        PilotDriver driver = drivers.get(queue);
        if (driver == null) {
            throw new IllegalStateException("no driver for queue " + queue);
        }
        return driver;
    }

    @Override
    public void close() {
        retired.keySet().forEach(this::closeRetired);
        replaced.forEach(PilotDriver::close);
        drivers.forEach((queue, driver) -> {
            try {
                driver.close();
            } catch (RuntimeException e) {
                log.warn("[{}] closing its driver failed: {}", queue, e.getMessage());
            }
        });
    }
}
