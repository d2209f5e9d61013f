package io.pilotd.director.cycle;

import io.pilotd.director.store.QueueCounts;
import io.pilotd.director.store.QueueRow;
import java.time.Instant;

/**
 * How many pilots to start now, and which term of
 * {@code min(demand, maxWaiting − waiting, maxRunning − alive, maxPerCycle, the queue's part of
 * each site cap)} bound it, {@code demand} being what the queue's waiting jobs still call for
 * once every queue's waiting pilots are counted ({@link io.pilotd.director.store.SharedDemand}).
 * Never below zero.
 */
public record Decision(int count, DecidingFactor factor) {

    /** What a manual submission asked for; the cycle asks for its demand. */
    public record Request(Integer count, boolean force) {
        public static final Request CYCLE = new Request(null, false);
    }

    public static Decision decide(QueueRow queue, QueueCounts supply, int demand, Request request,
                                  SiteAllowance site, Instant now) {
        if (request.force() && request.count() != null) {
            return siteBound(new Decision(request.count(), DecidingFactor.forced), site);
        }
        QueueBounds bounds = QueueBounds.of(queue, supply);
        if (!bounds.enabled()) {
            return new Decision(0, DecidingFactor.disabled);
        }
        if (bounds.backingOff(now)) {
            return new Decision(0, QueueRow.FAILING.equals(queue.backoffReason()) ? DecidingFactor.failingPilots
                    : DecidingFactor.backoff);
        }
        Decision best = request.count() != null
                ? new Decision(request.count(), DecidingFactor.requested)
                : new Decision(demand, DecidingFactor.demand);
        best = bounds.bound(best);
        boolean queueLimit = best.factor() == DecidingFactor.maxWaiting || best.factor() == DecidingFactor.maxRunning;
        if (supply.unresolved() > 0 && queueLimit) {
            // the limit binds because of pilots whose submission's outcome is not known yet: say so
            best = new Decision(best.count(), DecidingFactor.unresolved);
        }
        best = tighter(best, queue.maxPerCycle(), DecidingFactor.maxPerCycle);
        return siteBound(best, site);
    }

    /** Site caps bind even a forced submission. */
    private static Decision siteBound(Decision decision, SiteAllowance site) {
        Decision best = decision;
        if (site.running() != null) {
            best = tighter(best, site.running(), DecidingFactor.siteMaxRunning);
        }
        if (site.waiting() != null) {
            best = tighter(best, site.waiting(), DecidingFactor.siteMaxWaiting);
        }
        if (site.cores() != null) {
            best = tighter(best, site.cores(), DecidingFactor.siteMaxCores);
        }
        return new Decision(Math.max(0, best.count()), best.factor());
    }

    static Decision tighter(Decision current, int bound, DecidingFactor factor) {
        return bound < current.count() ? new Decision(bound, factor) : current;
    }
}
