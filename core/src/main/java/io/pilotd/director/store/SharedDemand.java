package io.pilotd.director.store;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The demand of queues that share task queues: a waiting job calls for one waiting pilot,
 * whichever queue it comes from ({@code queue_shared_demand} in the schema says how).
 *
 * <p>A decision locks the task queues its queue serves ({@link DecisionInputs}) with
 * transaction-scoped advisory locks (key space 17, apart from the one-bigint keys of batch
 * leases), so that a task queue read from another database (DIRAC's TaskQueueDB, read-only)
 * can be locked the same way.
 */
public final class SharedDemand {
    /**
     * What one queue's demand is made of.
     *
     * @param waitingJobs    waiting jobs of the task queues it serves
     * @param coveringPilots pilots not yet running, of any queue, submitted for those task queues
     * @param pilotsNeeded   what is left for this queue to start: the demand term of its decision
     */
    public record Demand(int waitingJobs, int coveringPilots, int pilotsNeeded) {
        public static final Demand NONE = new Demand(0, 0, 0);
    }

    private final Jdbi jdbi;

    public SharedDemand(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** The demand of several queues, in one query. */
    public Map<String, Demand> of(Handle h, Collection<String> queues) {
        Map<String, Demand> demands = new LinkedHashMap<>();
        h.createQuery("select queue, waiting_jobs, covering_pilots, demand from queue_shared_demand(:queues)")
                .bind("queues", queues.toArray(String[]::new))
                .map((rs, ctx) -> Map.entry(rs.getString("queue"),
                        new Demand(rs.getInt("waiting_jobs"), rs.getInt("covering_pilots"), rs.getInt("demand"))))
                .forEach(e -> demands.put(e.getKey(), e.getValue()));
        return demands;
    }

    public Map<String, Demand> of(Collection<String> queues) {
        return jdbi.withHandle(h -> of(h, queues));
    }
}
