package io.pilotd.director.testing;

import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.fakes.FakeCloud;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        return new Slow(cloud(context.queue()).driver(context.directorId()), context.queue(), delay);
    }

    private record Slow(PilotDriver cloud, String queue, Duration delay) implements PilotDriver {
        private interface Call<T> {
            T run() throws DriverException;
        }

        private <T> T call(Call<T> call) throws DriverException {
            int now = IN_FLIGHT.computeIfAbsent(queue, q -> new AtomicInteger()).incrementAndGet();
            MOST_IN_FLIGHT.computeIfAbsent(queue, q -> new AtomicInteger()).accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(delay.toMillis());
                return call.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException("interrupted");
            } finally {
                IN_FLIGHT.get(queue).decrementAndGet();
            }
        }

        @Override
        public Map<String, String> submit(PilotRequest request) throws DriverException {
            return call(() -> cloud.submit(request));
        }

        @Override
        public BatchLookup lookUp(PilotRequest request, String directorId) throws DriverException {
            return call(() -> cloud.lookUp(request, directorId));
        }

        @Override
        public Duration consistencyWindow() {
            return cloud.consistencyWindow();
        }

        @Override
        public Map<String, PilotState> status(List<String> jobRefs) throws DriverException {
            return call(() -> cloud.status(jobRefs));
        }

        @Override
        public void kill(List<String> jobRefs) throws DriverException {
            call(() -> {
                cloud.kill(jobRefs);
                return null;
            });
        }

        @Override
        public Optional<String> output(String jobRef) throws DriverException {
            return call(() -> cloud.output(jobRef));
        }

        @Override
        public List<OwnedPilot> listOwned(String directorId) throws DriverException {
            return call(() -> cloud.listOwned(directorId));
        }

        /** Local work for a driver, not a cloud call: no delay. */
        @Override
        public int trim(Instant endedBefore) throws DriverException {
            return cloud.trim(endedBefore);
        }
    }
}
