package io.pilotd.director.store;

import java.util.List;
import org.jdbi.v3.core.Handle;

/**
 * What a decision reads, under its locks: the queue, its site's caps and usage, the task queues
 * it serves with waiting jobs, its live pilots and its demand. One call of the schema's
 * {@code decision_inputs}, which takes the locks in the order every decider takes them: the
 * queue's, its site's when the site has a cap, then the task queues' in id order. They are
 * transaction-scoped advisory locks (no row is written, so a decision that starts nothing
 * commits without a WAL flush). Two queues deciding at once for the same jobs or under the same
 * caps take turns, and the second sees the first's pilots; none deadlocks. Call it in the
 * decision's transaction: the locks last until it ends.
 */
public record DecisionInputs(QueueRow queue, SiteRow site, List<Long> taskQueues, QueueCounts supply,
                             SharedDemand.Demand demand, RecentWork work) {
    /**
     * What the hold-back rule judges a queue by: its rule ({@code window}, 0 when off, and
     * {@code threshold} percent), and of its latest {@code window} pilots that ran and ended in
     * the last day with their jobs known, how many there are and how many took no job.
     */
    public record RecentWork(int window, int threshold, int judged, int empty) {
    }


    public static DecisionInputs lock(Handle h, String queue) {
        return h.createQuery("""
                        select (d.queue_row).*, d.task_queues, d.alive, d.waiting, d.running, d.unresolved,
                               d.site_max_running, d.site_max_waiting, d.site_max_cores,
                               d.site_alive, d.site_waiting, d.site_cores,
                               d.waiting_jobs, d.covering_pilots, d.demand, d.work_judged, d.work_empty
                        from decision_inputs(:queue) d""")
                .bind("queue", queue)
                .map((rs, ctx) -> {
                    QueueRow row = QueueStore.row(rs, ctx);
                    SiteRow site = new SiteRow(row.site(), rs.getObject("site_max_running", Integer.class),
                            rs.getObject("site_max_waiting", Integer.class), rs.getObject("site_max_cores", Integer.class),
                            rs.getInt("site_alive"), rs.getInt("site_waiting"), rs.getInt("site_cores"));
                    return new DecisionInputs(row, site, List.of((Long[]) rs.getArray("task_queues").getArray()),
                            new QueueCounts(rs.getInt("alive"), rs.getInt("waiting"), rs.getInt("running"),
                                    rs.getInt("unresolved")),
                            new SharedDemand.Demand(rs.getInt("waiting_jobs"), rs.getInt("covering_pilots"),
                                    rs.getInt("demand")),
                            new RecentWork(rs.getInt("empty_pilots_window"), rs.getInt("empty_pilots_threshold"),
                                    rs.getInt("work_judged"), rs.getInt("work_empty")));
                })
                .one();
    }
}
