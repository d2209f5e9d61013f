package io.pilotd.director.monitor;

import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.NotYetListedException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A queue's driver, each call timed and its failures counted, by driver and call. */
final class MeteredDriver implements PilotDriver {
    private interface Call<T> {
        T run() throws DriverException;
    }

    private final String queue;
    private final String driverName;
    private final PilotDriver driver;
    private final DirectorMetrics metrics;

    MeteredDriver(String queue, String driverName, PilotDriver driver, DirectorMetrics metrics) {
        this.queue = queue;
        this.driverName = driverName;
        this.driver = driver;
        this.metrics = metrics;
    }

    private <T> T timed(String call, Call<T> body) throws DriverException {
        long start = System.nanoTime();
        try {
            T result = body.run();
            metrics.called(driverName, call, System.nanoTime() - start, null);
            return result;
        } catch (DriverException | RuntimeException e) {
            metrics.called(driverName, call, System.nanoTime() - start, e);
            throw e;
        }
    }

    @Override
    public Map<String, String> submit(PilotRequest request) throws DriverException {
        try {
            Map<String, String> started = timed("submit", () -> driver.submit(request));
            metrics.submitted(queue, started.size());
            return started;
        } catch (NotYetListedException e) {
            // taken by the cloud, listed in part so far: no failure
            metrics.submitted(queue, e.listed().size());
            throw e;
        } catch (DriverException | RuntimeException e) {
            metrics.submissionFailed(queue, e);
            throw e;
        }
    }

    @Override
    public BatchLookup lookUp(PilotRequest request, String directorId) throws DriverException {
        return timed("lookUp", () -> driver.lookUp(request, directorId));
    }

    @Override
    public Map<String, PilotState> status(List<String> jobRefs) throws DriverException {
        return timed("status", () -> driver.status(jobRefs));
    }

    @Override
    public void kill(List<String> jobRefs) throws DriverException {
        timed("kill", () -> {
            driver.kill(jobRefs);
            return null;
        });
    }

    @Override
    public Optional<String> output(String jobRef) throws DriverException {
        return timed("output", () -> driver.output(jobRef));
    }

    @Override
    public List<OwnedPilot> listOwned(String directorId) throws DriverException {
        return timed("listOwned", () -> driver.listOwned(directorId));
    }

    @Override
    public int trim(Instant endedBefore) throws DriverException {
        return timed("trim", () -> driver.trim(endedBefore));
    }

    @Override
    public boolean runsPilotWrapper() {
        return driver.runsPilotWrapper();
    }

    @Override
    public Duration consistencyWindow() {
        return driver.consistencyWindow();
    }

    @Override
    public Optional<String> nativeId(String jobRef) {
        return driver.nativeId(jobRef);
    }

    @Override
    public void close() {
        driver.close();
    }
}
