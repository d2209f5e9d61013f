package io.pilotd.director.config;

import io.pilotd.driver.api.PilotRequest;
import java.time.Duration;

/**
 * @param maxRunning     at most this many pilots alive, submitted to running (DIRAC MaxTotalJobs); required
 * @param maxWaiting     at most this many pilots not yet running (DIRAC MaxWaitingJobs); required
 * @param maxPerCycle    at most this many new pilots in one cycle (DIRAC MaxPilotsToSubmit)
 * @param maxWaitingTime a pilot not running after this long is killed
 * @param maxLifetime    a pilot alive after this long is ended: by the cloud (a VM's own power-off
 *                       timer, a Batch job's timeout) even when the director is gone, and killed
 *                       by the director
 * @param maxFailedPilots the queue backs off when this many of its pilots submitted within
 *                       {@code failedPilotsWindow} ended Failed or Aborted without ever running,
 *                       and they are at least half of those that ended (0: never)
 * @param emptyPilots    the hold-back rule of a queue whose pilots find no work
 */
public record QueueLimits(Integer maxRunning, Integer maxWaiting, Integer maxPerCycle, Duration maxWaitingTime,
                          Duration maxLifetime, Integer maxFailedPilots, Duration failedPilotsWindow,
                          EmptyPilots emptyPilots) {
    public static final int DEFAULT_MAX_FAILED_PILOTS = 10;
    public static final Duration DEFAULT_FAILED_PILOTS_WINDOW = Duration.ofHours(1);
    public static final int DEFAULT_MAX_PER_CYCLE = 100;
    public static final Duration DEFAULT_MAX_WAITING_TIME = Duration.ofHours(24);
    public static final Duration MIN_LIFETIME = Duration.ofMinutes(10);

    public static QueueLimits unset() {
        return new QueueLimits(null, null, null, null, null, null, null, null);
    }

    /** With the hold-back rule's defaults. */
    public QueueLimits(Integer maxRunning, Integer maxWaiting, Integer maxPerCycle, Duration maxWaitingTime,
                       Duration maxLifetime, Integer maxFailedPilots, Duration failedPilotsWindow) {
        this(maxRunning, maxWaiting, maxPerCycle, maxWaitingTime, maxLifetime, maxFailedPilots, failedPilotsWindow, null);
    }

    public QueueLimits {
        maxPerCycle = maxPerCycle == null ? DEFAULT_MAX_PER_CYCLE : maxPerCycle;
        maxWaitingTime = maxWaitingTime == null ? DEFAULT_MAX_WAITING_TIME : maxWaitingTime;
        maxLifetime = maxLifetime == null ? PilotRequest.DEFAULT_MAX_LIFETIME : maxLifetime;
        maxFailedPilots = maxFailedPilots == null ? DEFAULT_MAX_FAILED_PILOTS : maxFailedPilots;
        failedPilotsWindow = failedPilotsWindow == null ? DEFAULT_FAILED_PILOTS_WINDOW : failedPilotsWindow;
        emptyPilots = emptyPilots == null ? EmptyPilots.defaults() : emptyPilots;
    }
}
