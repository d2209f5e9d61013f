package io.pilotd.director.config;

/**
 * A DIRAC site's caps over all its queues together, like a cloud project's quota. A cap left out
 * limits nothing.
 *
 * @param maxRunning at most this many pilots alive across the site's queues
 * @param maxWaiting at most this many pilots not yet running across them
 * @param maxCores   at most this many cores held, a pilot counting its queue's {@code processors}
 */
public record SiteConfig(Integer maxRunning, Integer maxWaiting, Integer maxCores) {
    public static SiteConfig uncapped() {
        return new SiteConfig(null, null, null);
    }

    public boolean capped() {
        return maxRunning != null || maxWaiting != null || maxCores != null;
    }
}
