package io.pilotd.director.store;

/**
 * A queue's pilots now: {@code alive} counts against maxRunning, {@code waiting} (not yet
 * running) against maxWaiting.
 */
public record QueueCounts(int alive, int waiting, int running) {
    public static final QueueCounts NONE = new QueueCounts(0, 0, 0);
}
