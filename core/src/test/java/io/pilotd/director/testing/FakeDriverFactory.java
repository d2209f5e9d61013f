package io.pilotd.director.testing;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;
import io.pilotd.fakes.FakeCloud;
import io.pilotd.fakes.LatentDriver;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code driver: fake}, for tests that run the whole director: one {@link FakeCloud} per queue,
 * reachable by the test through {@link #cloud(String)}. Parameter {@code delay} makes every
 * call that long, and the driver counts how many calls of one queue run at once.
 */
public final class FakeDriverFactory implements PilotDriverFactory {
    private static final Map<String, FakeCloud> CLOUDS = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> IN_FLIGHT = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> MOST_IN_FLIGHT = new ConcurrentHashMap<>();

    public static FakeCloud cloud(String queue) {
        return CLOUDS.computeIfAbsent(queue, q -> new FakeCloud());
    }

    /** The most calls of this queue's driver that ever ran at once. */
    public static int mostInFlight(String queue) {
        return MOST_IN_FLIGHT.getOrDefault(queue, new AtomicInteger()).get();
    }

    public static void reset() {
        CLOUDS.clear();
        IN_FLIGHT.clear();
        MOST_IN_FLIGHT.clear();
    }

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public PilotDriver create(DriverParameters parameters, DriverContext context) throws InvalidParametersException {
        Duration delay = parameters.optionalDuration("delay").orElse(Duration.ZERO);
        parameters.validate();
        return new LatentDriver(cloud(context.queue()).driver(context.directorId()), delay,
                IN_FLIGHT.computeIfAbsent(context.queue(), q -> new AtomicInteger()),
                MOST_IN_FLIGHT.computeIfAbsent(context.queue(), q -> new AtomicInteger()));
    }
}
