package io.pilotd.director.store;

/** A site's caps (null: no cap) and what its queues hold now. */
public record SiteRow(String name, Integer maxRunning, Integer maxWaiting, Integer maxCores,
                      int alive, int waiting, int cores) {

    public boolean capped() {
        return maxRunning != null || maxWaiting != null || maxCores != null;
    }
}
