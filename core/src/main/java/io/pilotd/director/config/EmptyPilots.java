package io.pilotd.director.config;

/**
 * The hold-back rule of a queue whose pilots find no work (README, "Its pilots find no work"): over its
 * latest {@code window} pilots that ran and ended in the last day with their jobs known, when
 * more than {@code threshold} percent took no job, a cycle starts that share fewer pilots than
 * it otherwise would (at least one, so that the queue learns when its pilots find work again).
 *
 * @param window    how many of its latest pilots are judged (default 20; 0 turns the rule off)
 * @param threshold the percent of empty ones above which it holds back (default 50)
 */
public record EmptyPilots(Integer window, Integer threshold) {
    public static final int DEFAULT_WINDOW = 20;
    public static final int DEFAULT_THRESHOLD = 50;

    public static EmptyPilots defaults() {
        return new EmptyPilots(null, null);
    }

    public EmptyPilots {
        window = window == null ? DEFAULT_WINDOW : window;
        threshold = threshold == null ? DEFAULT_THRESHOLD : threshold;
    }
}
