package io.pilotd.director.store;

import java.time.Instant;

/**
 * One queue of a site as the site's sharing sees it: its demand, limits and holdings.
 *
 * @param waitingJobs the waiting jobs it could serve: its weight in the sharing
 * @param demand      the pilots those jobs still call for, every queue's waiting pilots counted
 */
public record SiteQueue(String name, int processors, int waitingJobs, int demand, int alive, int waiting, int maxRunning,
                        int maxWaiting, boolean enabled, Instant backoffUntil) {
    public SiteQueue withDemand(SharedDemand.Demand demand) {
        return new SiteQueue(name, processors, demand.waitingJobs(), demand.pilotsNeeded(), alive, waiting, maxRunning,
                maxWaiting, enabled, backoffUntil);
    }
}
