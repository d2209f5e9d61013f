package io.pilotd.director.cycle;

import io.pilotd.director.store.SiteQueue;
import io.pilotd.director.store.SiteRow;
import java.time.Instant;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * How many more pilots one queue may start under each of its site's caps (null: no cap): in a
 * cycle, its part of each cap shared among the site's queues by {@link SiteShare}; for a manual
 * submission of a given count, what the site has left, since an operator asked for exactly that.
 */
public record SiteAllowance(Integer running, Integer waiting, Integer cores) {
    public static final SiteAllowance NONE = new SiteAllowance(null, null, null);

    public static SiteAllowance of(SiteRow site, List<SiteQueue> queues, String queue, Instant now) {
        if (!site.capped()) {
            return NONE;
        }
        SiteQueue mine = mine(queues, queue, site);
        Integer running = site.maxRunning() == null ? null
                : allowance(site.maxRunning(), queues, queue, SiteQueue::alive, now, 1);
        Integer waiting = site.maxWaiting() == null ? null
                : allowance(site.maxWaiting(), queues, queue, SiteQueue::waiting, now, 1);
        Integer cores = site.maxCores() == null ? null
                : allowance(site.maxCores(), queues, queue, q -> (long) q.alive() * q.processors(), now, 0)
                        / mine.processors();
        return new SiteAllowance(running, waiting, cores);
    }

    /** What the site has left under each cap, whoever takes it. */
    public static SiteAllowance headroom(SiteRow site, List<SiteQueue> queues, String queue) {
        if (!site.capped()) {
            return NONE;
        }
        SiteQueue mine = mine(queues, queue, site);
        return new SiteAllowance(
                site.maxRunning() == null ? null : Math.max(0, site.maxRunning() - site.alive()),
                site.maxWaiting() == null ? null : Math.max(0, site.maxWaiting() - site.waiting()),
                site.maxCores() == null ? null : Math.max(0, site.maxCores() - site.cores()) / mine.processors());
    }

    private static SiteQueue mine(List<SiteQueue> queues, String queue, SiteRow site) {
        return queues.stream().filter(q -> q.name().equals(queue)).findFirst()
                .orElseThrow(() -> new IllegalStateException("queue " + queue + " is not a queue of site " + site.name()));
    }

    /**
     * @param unitPerPilot 1 to count pilots; 0 to count each pilot as its queue's processors
     */
    private static int allowance(int cap, List<SiteQueue> queues, String queue, ToLongFunction<SiteQueue> held,
                                 Instant now, int unitPerPilot) {
        List<SiteShare.Claim> claims = queues.stream().map(q -> {
            long unit = unitPerPilot == 1 ? 1 : q.processors();
            return new SiteShare.Claim(q.name(), q.waitingJobs(), held.applyAsLong(q), want(q, now) * unit);
        }).toList();
        return (int) SiteShare.allowance(queue, cap, claims);
    }

    /** What the queue would start by its own limits and demand, site caps aside. */
    static long want(SiteQueue q, Instant now) {
        QueueBounds bounds = QueueBounds.of(q);
        if (!bounds.submits(now)) {
            return 0;
        }
        return Math.max(0, bounds.bound(new Decision(q.demand(), DecidingFactor.demand)).count());
    }
}
