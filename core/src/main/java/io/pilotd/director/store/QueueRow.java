package io.pilotd.director.store;

import java.time.Duration;
import java.time.Instant;

/**
 * A queue as the database holds it: what the decision reads under the queue's row lock.
 *
 * @param consistencyWindow the queue's own, or null for its driver's default
 * @param driverSetupId     the driver and parameters its new pilots are started with
 * @param backoffReason     why it backs off: {@code refused}, {@code cloud} or {@code failing}
 */
public record QueueRow(
        String name,
        String site,
        String ce,
        String ceQueue,
        String driver,
        String vo,
        int processors,
        int maxRunning,
        int maxWaiting,
        int maxPerCycle,
        Duration cycle,
        Duration maxWaitingTime,
        boolean enabled,
        int failures,
        Instant backoffUntil,
        String lastError,
        Duration consistencyWindow,
        Duration maxLifetime,
        Long driverSetupId,
        String backoffReason,
        int maxFailedPilots,
        Duration failedPilotsWindow) {
    public static final String REFUSED = "refused";
    public static final String CLOUD = "cloud";
    public static final String FAILING = "failing";


    public boolean backingOff(Instant now) {
        return backoffUntil != null && backoffUntil.isAfter(now);
    }
}
