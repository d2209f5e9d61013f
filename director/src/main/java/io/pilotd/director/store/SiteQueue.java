package io.pilotd.director.store;

import java.time.Instant;

/** One queue of a site as the site's sharing sees it: its demand, limits and holdings. */
public record SiteQueue(String name, int processors, int demand, int alive, int waiting, int maxRunning,
                        int maxWaiting, boolean enabled, Instant backoffUntil) {
}
