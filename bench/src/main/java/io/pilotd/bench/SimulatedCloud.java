package io.pilotd.bench;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.fakes.FakeCloud;
import io.pilotd.fakes.LatentDriver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code driver: simulated}: an in-process cloud per queue, every call of which takes the
 * queue's {@code latency} (default none), for the whole-director rounds of {@code bench/run}.
 */
public final class SimulatedCloud implements PilotDriverFactory {
    private static final Map<String, FakeCloud> CLOUDS = new ConcurrentHashMap<>();
    private static final AtomicInteger IN_FLIGHT = new AtomicInteger();
    private static final AtomicInteger MOST_IN_FLIGHT = new AtomicInteger();

    @Override
    public String name() {
        return "simulated";
    }

    @Override
    public PilotDriver create(DriverParameters parameters, DriverContext context) throws InvalidParametersException {
        Duration latency = parameters.optionalDuration("latency").orElse(Duration.ZERO);
        parameters.validate();
        FakeCloud cloud = CLOUDS.computeIfAbsent(context.queue(), q -> new FakeCloud());
        return new LatentDriver(cloud.driver(context.directorId()), latency, IN_FLIGHT, MOST_IN_FLIGHT);
    }

    /** Every queue's pilots that wait start running. */
    static void startWaitingPilots() {
        CLOUDS.values().forEach(c -> c.move(PilotStatus.Waiting, PilotStatus.Running));
    }

    /** Status calls made to all the clouds, and pilots they hold. */
    static long statusCalls() {
        return CLOUDS.values().stream().mapToLong(c -> c.statusCalls.get()).sum();
    }

    static void reset() {
        CLOUDS.clear();
    }
}
