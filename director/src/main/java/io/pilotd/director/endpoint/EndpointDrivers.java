package io.pilotd.director.endpoint;

import io.pilotd.director.cycle.QueueDrivers;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.DriverSetups;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.PilotDriver;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The endpoint's own driver of each set-up its pilots were started with, built when first
 * needed. Each is called by one request at a time, as the cycle calls its own: a driver need
 * not be safe for concurrent calls.
 */
final class EndpointDrivers implements AutoCloseable {
    /** A call of a driver, which may throw the contract's exceptions. */
    interface Call<T> {
        T on(PilotDriver driver) throws DriverException;
    }

    private record Held(PilotDriver driver, ReentrantLock lock) {
    }

    private final Map<Long, Held> drivers = new ConcurrentHashMap<>();
    private final DriverSetups setups;
    private final DriverCatalog catalog;
    private final String directorId;
    private final Path dataDir;
    private final QueueDrivers.Decorator decorator;

    EndpointDrivers(DriverSetups setups, DriverCatalog catalog, String directorId, Path dataDir,
                    QueueDrivers.Decorator decorator) {
        this.setups = setups;
        this.catalog = catalog;
        this.directorId = directorId;
        this.dataDir = dataDir;
        this.decorator = decorator;
    }

    /** @throws IllegalStateException when the set-up's driver cannot be built (no longer installed, say) */
    <T> T call(long setup, Call<T> call) throws DriverException {
        Held held = drivers.computeIfAbsent(setup, id -> {
            DriverSetups.Setup row = setups.get(id);
            return new Held(decorator.decorate(row.queue(), row.driver(),
                    QueueDrivers.forSetup(row, catalog, directorId, dataDir)), new ReentrantLock());
        });
        held.lock().lock();
        try {
            return call.on(held.driver());
        } finally {
            held.lock().unlock();
        }
    }

    @Override
    public void close() {
        drivers.values().forEach(held -> held.driver().close());
    }
}
