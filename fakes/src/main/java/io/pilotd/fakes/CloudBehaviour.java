package io.pilotd.fakes;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a fake cloud misbehaves, the ways real ones do: a new resource is missing from listings
 * for a while after its create; the answer to a call that changed something is lost after the
 * cloud acted; calls are throttled or fail with a 5xx before anything happens; answers are slow.
 * Shares are drawn from a seeded random, so that a failing run can be replayed.
 */
public final class CloudBehaviour {
    /** What the fake does with one call. */
    public enum Fault {
        /** Answer normally. */
        NONE,
        /** Throttled before acting (429, RequestLimitExceeded). */
        THROTTLE,
        /** A 5xx before acting. */
        SERVER_ERROR,
        /** Act, then lose the answer (5xx page, truncated body, dropped connection). */
        LOSE_ANSWER
    }

    private final Clock clock;
    private final Random random;
    private volatile Duration listingLag = Duration.ZERO;
    private volatile double lostAnswers;
    private volatile double throttled;
    private volatile double serverErrors;
    private volatile Duration slowAnswer = Duration.ZERO;
    private volatile double slowShare;
    private volatile Set<String> down = Set.of();
    public final AtomicInteger answersLost = new AtomicInteger();
    public final AtomicInteger callsThrottled = new AtomicInteger();
    public final AtomicInteger serverErrorsSent = new AtomicInteger();

    public CloudBehaviour(Clock clock, long seed) {
        this.clock = clock;
        this.random = new Random(seed);
    }

    /** A cloud that answers at once, consistently, on the system clock. */
    public static CloudBehaviour perfect() {
        return new CloudBehaviour(Clock.systemUTC(), 1);
    }

    public Clock clock() {
        return clock;
    }

    /** A resource created at {@code createdAt} shows in listings this much later. */
    public CloudBehaviour listingLag(Duration lag) {
        this.listingLag = lag;
        return this;
    }

    /** This share of the calls that change something loses its answer after the cloud acted. */
    public CloudBehaviour lostAnswers(double share) {
        this.lostAnswers = share;
        return this;
    }

    /** This share of all calls is throttled before anything happens. */
    public CloudBehaviour throttled(double share) {
        this.throttled = share;
        return this;
    }

    /** This share of all calls fails with a 5xx before anything happens. */
    public CloudBehaviour serverErrors(double share) {
        this.serverErrors = share;
        return this;
    }

    /** This share of all calls answers {@code delay} late (real time: past a client's time-out, it is lost). */
    public CloudBehaviour slow(double share, Duration delay) {
        this.slowShare = share;
        this.slowAnswer = delay;
        return this;
    }

    /**
     * These operations (the fake's names: Nova.deleteServer, EC2.TerminateInstances,
     * Batch.terminatejob...) fail with a 5xx before acting, every call, until called again without
     * them: an API that is down for one kind of call while the others answer.
     */
    public CloudBehaviour down(String... operations) {
        this.down = Set.of(operations);
        return this;
    }

    public boolean listed(Instant createdAt) {
        return !clock.instant().isBefore(createdAt.plus(listingLag));
    }

    /** Draws the fault of one call of this operation; {@code mutating}: the call changes something at the cloud. */
    public synchronized Fault next(String operation, boolean mutating) {
        if (down.contains(operation)) {
            serverErrorsSent.incrementAndGet();
            return Fault.SERVER_ERROR;
        }
        return next(mutating);
    }

    /** Draws the fault of one call; {@code mutating}: the call changes something at the cloud. */
    public synchronized Fault next(boolean mutating) {
        double draw = random.nextDouble();
        if (draw < throttled) {
            callsThrottled.incrementAndGet();
            return Fault.THROTTLE;
        }
        draw -= throttled;
        if (draw < serverErrors) {
            serverErrorsSent.incrementAndGet();
            return Fault.SERVER_ERROR;
        }
        draw -= serverErrors;
        if (mutating && draw < lostAnswers) {
            answersLost.incrementAndGet();
            return Fault.LOSE_ANSWER;
        }
        return Fault.NONE;
    }

    /** Which of the ways to lose an answer this one takes: 0, 1 or 2. */
    public synchronized int lossShape() {
        return random.nextInt(3);
    }

    /** Sleeps when this call is one of the slow ones. */
    public void maybeSlow() {
        boolean slow;
        synchronized (this) {
            slow = slowShare > 0 && random.nextDouble() < slowShare;
        }
        if (slow) {
            try {
                Thread.sleep(slowAnswer.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
