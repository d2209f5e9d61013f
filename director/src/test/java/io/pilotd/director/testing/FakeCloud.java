package io.pilotd.director.testing;

import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.driver.api.RetryableDriverException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory cloud for the cycle's tests: it keeps every pilot it started with its stamp and
 * director, lets a test move pilots through their states, and fails or "crashes" on demand.
 */
public final class FakeCloud {
    /** One resource of the cloud. */
    public record Resource(String stamp, String directorId, String jobRef, PilotState state) {
    }

    /** Thrown out of submit after the cloud started the pilots: the director dies before writing. */
    public static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        public Crash() {
            super("simulated crash between the cloud call and the database write");
        }
    }

    private final Map<String, Resource> resources = new ConcurrentHashMap<>();
    /** jobRefs are unique across every fake cloud of a test run, as they are across real clouds. */
    private static final AtomicLong IDS = new AtomicLong();
    public final AtomicInteger submitCalls = new AtomicInteger();
    public final AtomicInteger statusCalls = new AtomicInteger();
    public final AtomicInteger killCalls = new AtomicInteger();
    public volatile DriverException failSubmit;
    public volatile DriverException failStatus;
    public volatile boolean crashAfterSubmit;
    /** Starts the pilots, then answers as if the call timed out. */
    public volatile boolean timeOutAfterSubmit;

    public PilotDriver driver(String directorId) {
        return new Driver(directorId);
    }

    public List<Resource> resources() {
        return List.copyOf(resources.values());
    }

    /** Moves every pilot in {@code from} to {@code to}. */
    public void move(PilotStatus from, PilotStatus to) {
        resources.replaceAll((ref, r) -> r.state().status() == from ? new Resource(r.stamp(), r.directorId(), ref,
                PilotState.of(to, "moved by the test")) : r);
    }

    public void set(String jobRef, PilotStatus status) {
        resources.computeIfPresent(jobRef, (ref, r) -> new Resource(r.stamp(), r.directorId(), ref, PilotState.of(status, "set by the test")));
    }

    public void forget(String jobRef) {
        resources.remove(jobRef);
    }

    private final class Driver implements PilotDriver {
        private final String directorId;

        Driver(String directorId) {
            this.directorId = directorId;
        }

        @Override
        public Map<String, String> submit(PilotRequest request) throws DriverException {
            submitCalls.incrementAndGet();
            if (failSubmit != null) {
                throw failSubmit;
            }
            Map<String, String> jobRefs = new LinkedHashMap<>();
            for (String stamp : request.stamps()) {
                String jobRef = "fake://cloud/" + IDS.incrementAndGet();
                resources.put(jobRef, new Resource(stamp, directorId, jobRef, PilotState.of(PilotStatus.Waiting, "queued")));
                jobRefs.put(stamp, jobRef);
            }
            if (crashAfterSubmit) {
                throw new Crash();
            }
            if (timeOutAfterSubmit) {
                throw new RetryableDriverException("Read timed out");
            }
            return jobRefs;
        }

        @Override
        public Map<String, PilotState> status(List<String> jobRefs) throws DriverException {
            statusCalls.incrementAndGet();
            if (failStatus != null) {
                throw failStatus;
            }
            Map<String, PilotState> states = new LinkedHashMap<>();
            for (String jobRef : jobRefs) {
                Resource r = resources.get(jobRef);
                if (r != null) {
                    states.put(jobRef, r.state());
                }
            }
            return states;
        }

        @Override
        public void kill(List<String> jobRefs) {
            killCalls.incrementAndGet();
            jobRefs.forEach(resources::remove);
        }

        @Override
        public Optional<String> output(String jobRef) {
            return Optional.ofNullable(resources.get(jobRef)).map(r -> "output of " + r.stamp());
        }

        @Override
        public List<OwnedPilot> listOwned(String director) {
            List<OwnedPilot> owned = new ArrayList<>();
            for (Resource r : resources.values()) {
                if (r.directorId().equals(director)) {
                    owned.add(new OwnedPilot(r.stamp(), r.jobRef(), r.state()));
                }
            }
            return owned;
        }
    }
}
