package io.pilotd.fakes;

import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A driver whose every cloud call takes {@code latency} more than the driver it wraps, counting
 * how many of its calls (and of those sharing its counters) run at once: a slow cloud, in process.
 */
public final class LatentDriver implements PilotDriver {
    private interface Call<T> {
        T run() throws DriverException;
    }

    private final PilotDriver cloud;
    private final Duration latency;
    private final AtomicInteger inFlight;
    private final AtomicInteger mostInFlight;

    public LatentDriver(PilotDriver cloud, Duration latency, AtomicInteger inFlight, AtomicInteger mostInFlight) {
        this.cloud = cloud;
        this.latency = latency;
        this.inFlight = inFlight;
        this.mostInFlight = mostInFlight;
    }

    private <T> T call(Call<T> call) throws DriverException {
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            if (!latency.isZero()) {
                Thread.sleep(latency.toMillis());
            }
            return call.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException("interrupted");
        } finally {
            inFlight.decrementAndGet();
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
    public Optional<String> nativeId(String jobRef) {
        return cloud.nativeId(jobRef);
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

    /** Local work for a driver, not a cloud call: no latency. */
    @Override
    public int trim(Instant endedBefore) throws DriverException {
        return cloud.trim(endedBefore);
    }
}
