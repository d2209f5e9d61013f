package io.pilotd.director.store;

/**
 * A queue's pilots now: {@code alive} counts against maxRunning, {@code waiting} (not yet
 * running) against maxWaiting; {@code unresolved} of them are {@code Submitting}, their
 * submission's outcome not known yet.
 */
public record QueueCounts(int alive, int waiting, int running, int unresolved) {
    public static final QueueCounts NONE = new QueueCounts(0, 0, 0, 0);

    public QueueCounts(int alive, int waiting, int running) {
        this(alive, waiting, running, 0);
    }
}
