package io.pilotd.director.cycle;

/**
 * Which term bound the number of new pilots of a cycle, so that "why no pilots?" has a stored
 * answer. The names are what {@code pilotd queues} and the reports show.
 */
public enum DecidingFactor {
    /** Waiting jobs the queue can serve, less the pilots any queue has waiting for them. */
    demand,
    /** A manual submission's {@code --count}. */
    requested,
    maxWaiting,
    maxRunning,
    /**
     * maxWaiting or maxRunning, held in part by pilots whose submission's answer was lost: they
     * count until the cloud says what it did, or the queue's hold has passed.
     */
    unresolved,
    maxPerCycle,
    /** The queue's part of its site's cap on pilots alive. */
    siteMaxRunning,
    /** The queue's part of its site's cap on pilots not yet running. */
    siteMaxWaiting,
    /** The queue's part of its site's cap on cores. */
    siteMaxCores,
    /** The queue's recent pilots mostly found no job: it starts fewer ({@link HoldBack}). */
    emptyPilots,
    /** The queue is in back-off after failures. */
    backoff,
    /** The queue backs off: its recent pilots failed before they ran (a wrong image, a broken command). */
    failingPilots,
    /** The queue's proxy cannot be given to pilots: unusable, too short-lived, or of another VO. */
    proxy,
    /** The queue is disabled in the config. */
    disabled,
    /** A manual submission with {@code --force}: the queue's limits were not applied (its site's were). */
    forced
}
