package io.pilotd.director.daemon;

import io.pilotd.director.config.DataDirs;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One driver instance per configured queue, built once at start-up and closed at the end. */
public final class QueueDrivers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueDrivers.class);

    private final Map<String, PilotDriver> drivers;

    public QueueDrivers(Map<String, PilotDriver> drivers) {
        this.drivers = Map.copyOf(drivers);
    }

    public static QueueDrivers create(List<QueueConfig> queues, DriverCatalog catalog, String directorId, Path dataDir) {
        Map<String, PilotDriver> drivers = new LinkedHashMap<>();
        try {
            for (QueueConfig queue : queues) {
                PilotDriverFactory factory = catalog.factory(queue.driver()).orElseThrow(() ->
                        new IllegalStateException("[" + queue.name() + "] unknown driver '" + queue.driver() + "'"));
                DriverContext context = new DriverContext(directorId, queue.name(), DataDirs.driverDir(dataDir, queue.name()));
                drivers.put(queue.name(), factory.create(new DriverParameters(queue.parameters()), context));
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

    public PilotDriver get(String queue) {
        PilotDriver driver = drivers.get(queue);
        if (driver == null) {
            throw new IllegalStateException("no driver for queue " + queue);
        }
        return driver;
    }

    @Override
    public void close() {
        drivers.forEach((queue, driver) -> {
            try {
                driver.close();
            } catch (RuntimeException e) {
                log.warn("[{}] closing its driver failed: {}", queue, e.getMessage());
            }
        });
    }
}
