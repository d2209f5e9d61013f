package io.pilotd.fakes;

import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.NotYetListedException;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.driver.api.RetryableDriverException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory cloud behind the driver contract, for the director's tests: it keeps every pilot
 * it started with its stamp and director, lets a test move pilots through their states, and
 * misbehaves as its {@link CloudBehaviour} says (listings lag, answers are lost after acting,
 * calls are throttled). {@link #resources()} is what really exists, whatever the listings say.
 */
public final class FakeCloud {
    /** One resource of the cloud. */
    public record Resource(String stamp, String directorId, String batchId, String jobRef, PilotState state,
                           Instant createdAt) {
        Resource with(PilotState newState) {
            return new Resource(stamp, directorId, batchId, jobRef, newState, createdAt);
        }
    }

    /** Thrown out of submit after the cloud started the pilots: the director dies before writing. */
    public static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        public Crash() {
            super("simulated crash between the cloud call and the database write");
        }
    }

    /** jobRefs are unique across every fake cloud of a test run, as they are across real clouds. */
    private static final AtomicLong IDS = new AtomicLong();

    private final Map<String, Resource> resources = new ConcurrentHashMap<>();
    private final CloudBehaviour behaviour;
    public final AtomicInteger submitCalls = new AtomicInteger();
    public final AtomicInteger statusCalls = new AtomicInteger();
    public final AtomicInteger killCalls = new AtomicInteger();
    public final AtomicInteger lookUpCalls = new AtomicInteger();
    /** Every submission asked of it, in order. */
    public final List<PilotRequest> submissions = new CopyOnWriteArrayList<>();
    /** The times {@code trim} was asked to delete what pilots that ended before them left. */
    public final List<Instant> trimmedBefore = new CopyOnWriteArrayList<>();
    /** Every call fails with this, as when the cloud's API is down. */
    public volatile DriverException down;
    public volatile DriverException failSubmit;
    public volatile DriverException failStatus;
    /** Thrown by every kill while set: a delete API that refuses. */
    public volatile DriverException failKill;
    public volatile boolean crashAfterSubmit;
    /** Kills, then answers as if the call timed out. */
    public volatile boolean timeOutAfterKill;
    /** Starts the pilots, then answers as if the call timed out. */
    public volatile boolean timeOutAfterSubmit;
    /** Answers a submission with only this many of its pilots listed, as Nova's multi-create can. */
    public volatile int listedOfEachSubmission = Integer.MAX_VALUE;
    /** Answers lookUp definitely and at once, as EC2 does for a re-sent ClientToken. */
    public volatile boolean idempotentCreates;
    public volatile Duration consistencyWindow = Duration.ofMinutes(5);

    public FakeCloud() {
        this(CloudBehaviour.perfect());
    }

    public FakeCloud(CloudBehaviour behaviour) {
        this.behaviour = behaviour;
    }

    public PilotDriver driver(String directorId) {
        return new Driver(directorId);
    }

    /** What really exists, listed or not. */
    public List<Resource> resources() {
        return List.copyOf(resources.values());
    }

    /** Resources that have not ended, listed or not. */
    public List<Resource> alive() {
        return resources.values().stream().filter(r -> !r.state().status().isFinal()).toList();
    }

    /** Moves every pilot in {@code from} to {@code to}. */
    public void move(PilotStatus from, PilotStatus to) {
        resources.replaceAll((ref, r) -> r.state().status() == from ? r.with(PilotState.of(to, "moved by the test")) : r);
    }

    public void set(String jobRef, PilotStatus status) {
        resources.computeIfPresent(jobRef, (ref, r) -> r.with(PilotState.of(status, "set by the test")));
    }

    public void forget(String jobRef) {
        resources.remove(jobRef);
    }

    /** A resource carrying {@code directorId}'s tag that no director asked for, as made by hand. */
    public Resource createByHand(String directorId, String stamp) {
        String jobRef = "fake://cloud/" + IDS.incrementAndGet();
        Resource r = new Resource(stamp, directorId, "by-hand", jobRef, PilotState.of(PilotStatus.Running, "made by hand"),
                behaviour.clock().instant());
        resources.put(jobRef, r);
        return r;
    }

    private boolean listed(Resource r) {
        return behaviour.listed(r.createdAt());
    }

    private final class Driver implements PilotDriver {
        private final String directorId;

        Driver(String directorId) {
            this.directorId = directorId;
        }

        @Override
        public Map<String, String> submit(PilotRequest request) throws DriverException {
            submitCalls.incrementAndGet();
            submissions.add(request);
            if (down != null) {
                throw down;
            }
            if (failSubmit != null) {
                throw failSubmit;
            }
            CloudBehaviour.Fault fault = behaviour.next(true);
            if (fault == CloudBehaviour.Fault.THROTTLE) {
                throw new RetryableDriverException("TooManyRequestsException: Rate exceeded");
            }
            if (fault == CloudBehaviour.Fault.SERVER_ERROR) {
                throw new OutcomeUnknownException("503 Service Unavailable");
            }
            Map<String, String> jobRefs = new LinkedHashMap<>();
            for (String stamp : request.stamps()) {
                String jobRef = "fake://cloud/" + IDS.incrementAndGet();
                resources.put(jobRef, new Resource(stamp, directorId, request.batchId(), jobRef,
                        PilotState.of(PilotStatus.Waiting, "queued"), behaviour.clock().instant()));
                jobRefs.put(stamp, jobRef);
            }
            if (crashAfterSubmit) {
                throw new Crash();
            }
            if (timeOutAfterSubmit || fault == CloudBehaviour.Fault.LOSE_ANSWER) {
                throw new OutcomeUnknownException("Read timed out");
            }
            if (jobRefs.size() > listedOfEachSubmission) {
                Map<String, String> listed = new LinkedHashMap<>();
                jobRefs.entrySet().stream().limit(listedOfEachSubmission).forEach(e -> listed.put(e.getKey(), e.getValue()));
                throw new NotYetListedException("took " + jobRefs.size() + ", lists " + listed.size(), listed);
            }
            return jobRefs;
        }

        @Override
        public BatchLookup lookUp(PilotRequest request, String director) throws DriverException {
            lookUpCalls.incrementAndGet();
            if (down != null) {
                throw down;
            }
            Map<String, String> found = new LinkedHashMap<>();
            for (Resource r : resources.values()) {
                if (r.batchId().equals(request.batchId()) && r.directorId().equals(director)
                        && request.stamps().contains(r.stamp())
                        && (idempotentCreates || listed(r))) {
                    found.put(r.stamp(), r.jobRef());
                }
            }
            return new BatchLookup(found, idempotentCreates);
        }

        @Override
        public Map<String, PilotState> status(List<String> jobRefs) throws DriverException {
            statusCalls.incrementAndGet();
            if (down != null) {
                throw down;
            }
            if (failStatus != null) {
                throw failStatus;
            }
            Map<String, PilotState> states = new LinkedHashMap<>();
            for (String jobRef : jobRefs) {
                Resource r = resources.get(jobRef);
                if (r != null && listed(r)) {
                    states.put(jobRef, r.state());
                }
            }
            return states;
        }

        /** Like a real cloud, it cannot kill what it does not list yet: that one lives on. */
        @Override
        public void kill(List<String> jobRefs) throws DriverException {
            killCalls.incrementAndGet();
            if (down != null) {
                throw down;
            }
            if (failKill != null) {
                throw failKill;
            }
            for (String jobRef : jobRefs) {
                resources.computeIfPresent(jobRef, (ref, r) -> listed(r) && !r.state().status().isFinal()
                        ? r.with(PilotState.of(PilotStatus.Deleted, "killed")) : r);
            }
            if (timeOutAfterKill) {
                throw new OutcomeUnknownException("Read timed out");
            }
        }

        @Override
        public Optional<String> nativeId(String jobRef) {
            return Optional.of(jobRef.substring(jobRef.lastIndexOf('/') + 1));
        }

        @Override
        public Optional<String> output(String jobRef) {
            return Optional.ofNullable(resources.get(jobRef)).map(r -> "output of " + r.stamp());
        }

        @Override
        public int trim(Instant endedBefore) {
            trimmedBefore.add(endedBefore);
            return 0;
        }

        @Override
        public List<OwnedPilot> listOwned(String director) throws DriverException {
            if (down != null) {
                throw down;
            }
            List<OwnedPilot> owned = new ArrayList<>();
            for (Resource r : resources.values()) {
                if (r.directorId().equals(director) && listed(r) && !r.state().status().isFinal()) {
                    owned.add(new OwnedPilot(r.stamp(), r.jobRef(), r.state(), r.createdAt()));
                }
            }
            return owned;
        }

        @Override
        public Duration consistencyWindow() {
            return consistencyWindow;
        }
    }
}
