package io.pilotd.director.dirac;

import io.pilotd.director.dirac.PilotAgent;
import io.pilotd.driver.api.PilotStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The changes of pilots that DIRAC's PilotAgents table has yet to see (V13's outbox). A batch is
 * taken, copied and deleted in one transaction, under an advisory lock (key space 16) that one
 * director of a cluster holds at a time: two copies racing could write a pilot's older status
 * last.
 */
public final class PilotAgentsOutbox {
    static final int MIRROR_LOCK = 16;

    /** Copies a batch of pilots somewhere; a failure leaves the batch in the outbox. */
    @FunctionalInterface
    public interface Copy {
        void copy(List<PilotAgent> pilots) throws Exception;
    }

    private record Change(long id, long pilotId, PilotAgent pilot) {
    }

    private final Jdbi jdbi;

    public PilotAgentsOutbox(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Takes up to {@code limit} changes, oldest first, has {@code copy} write their pilots as
     * they are now, and deletes them once it has.
     *
     * @return the changes taken; 0 when there were none, or another director is copying
     */
    public int drain(int limit, Copy copy) throws Exception {
        return jdbi.inTransaction(h -> {
            if (!h.createQuery("select pg_try_advisory_xact_lock(:space, 0)").bind("space", MIRROR_LOCK)
                    .mapTo(Boolean.class).one()) {
                return 0;
            }
            List<Change> changes = h.createQuery("""
                            select o.id as change, p.id, p.stamp, p.ce, q.ce_queue, p.site, p.vo,
                                   case when cardinality(q.owner_groups) = 1 then q.owner_groups[1] end as owner_group,
                                   p.status, p.status_reason, p.submitted_at
                            from pilot_agents_outbox o
                            join pilot p on p.id = o.pilot_id
                            join queue q on q.name = p.queue
                            order by o.id
                            limit :limit""")
                    .bind("limit", limit)
                    .map((rs, ctx) -> new Change(rs.getLong("change"), rs.getLong("id"), new PilotAgent(rs.getString("stamp"),
                            rs.getString("ce"), rs.getString("ce_queue"), rs.getString("site"), rs.getString("vo"),
                            rs.getString("owner_group"), PilotStatus.valueOf(rs.getString("status")),
                            rs.getString("status_reason"), rs.getTimestamp("submitted_at").toInstant())))
                    .list();
            List<Long> taken = changes.stream().map(Change::id).toList();
            Map<Long, PilotAgent> pilots = new LinkedHashMap<>();
            changes.forEach(c -> pilots.put(c.pilotId(), c.pilot()));
            if (taken.isEmpty()) {
                return 0;
            }
            copy.copy(new ArrayList<>(pilots.values()));
            h.createUpdate("delete from pilot_agents_outbox where id = any(:taken)")
                    .bind("taken", taken.toArray(Long[]::new)).execute();
            return taken.size();
        });
    }

    /**
     * Queues every live pilot, so that the next copies write each one again: what keeps DIRAC's
     * PilotStatusAgent from taking a pilot whose status has not changed for days for a stalled one.
     *
     * @return the pilots queued
     */
    public int enqueueLive() {
        return jdbi.withHandle(h -> h.execute("""
                insert into pilot_agents_outbox (pilot_id)
                select id from pilot where pilot_is_alive(status) order by id"""));
    }

    /** Changes not yet copied. */
    public long pending() {
        return jdbi.withHandle(h -> h.createQuery("select count(*) from pilot_agents_outbox").mapTo(Long.class).one());
    }
}
