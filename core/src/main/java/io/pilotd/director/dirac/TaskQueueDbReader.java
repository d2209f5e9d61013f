package io.pilotd.director.dirac;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads DIRAC's TaskQueueDB: the enabled task queues that have waiting jobs, with their lists.
 * Two statements in one read-only REPEATABLE READ transaction, so both see one InnoDB snapshot,
 * whatever the number of queues: DIRAC's own matcher queries per resource, which at a thousand
 * queues would be a thousand queries a poll against DIRAC's busiest database. The README lists
 * these statements and the grants they need (SELECT on the eight tables).
 */
public final class TaskQueueDbReader {
    static final String TASK_QUEUES = """
            SELECT tq.TQId, tq.Owner, tq.OwnerGroup, tq.VO, tq.CPUTime, tq.Priority, COUNT(j.JobId) AS Jobs
            FROM tq_TaskQueues tq JOIN tq_Jobs j ON j.TQId = tq.TQId
            GROUP BY tq.TQId, tq.Owner, tq.OwnerGroup, tq.VO, tq.CPUTime, tq.Priority""";
    static final String LISTS = """
            SELECT 'Sites' AS List, TQId, Value FROM tq_TQToSites
            UNION ALL SELECT 'BannedSites', TQId, Value FROM tq_TQToBannedSites
            UNION ALL SELECT 'Platforms', TQId, Value FROM tq_TQToPlatforms
            UNION ALL SELECT 'Tags', TQId, Value FROM tq_TQToTags
            UNION ALL SELECT 'JobTypes', TQId, Value FROM tq_TQToJobTypes
            UNION ALL SELECT 'GridCEs', TQId, Value FROM tq_TQToGridCEs""";
    private static final List<String> LIST_NAMES = List.of("Sites", "BannedSites", "Platforms", "Tags", "JobTypes", "GridCEs");

    private final DiracDatabase database;

    public TaskQueueDbReader(DiracDatabase database) {
        this.database = database;
    }

    public DiracDatabase database() {
        return database;
    }

    /** The task queues with waiting jobs now, in TQId order. */
    public List<DiracTaskQueue> read() throws SQLException {
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement s = c.createStatement()) {
                s.setQueryTimeout((int) DiracDatabase.STATEMENT_TIMEOUT.toSeconds());
                Map<Long, Row> rows = new HashMap<>();
                List<Long> order = new ArrayList<>();
                try (ResultSet rs = s.executeQuery(TASK_QUEUES)) {
                    while (rs.next()) {
                        Row row = new Row(rs.getLong("TQId"), rs.getString("Owner"), rs.getString("OwnerGroup"),
                                rs.getString("VO"), rs.getLong("CPUTime"), rs.getDouble("Priority"), rs.getInt("Jobs"));
                        rows.put(row.tqId, row);
                        order.add(row.tqId);
                    }
                }
                try (ResultSet rs = s.executeQuery(LISTS)) {
                    while (rs.next()) {
                        Row row = rows.get(rs.getLong("TQId"));
                        if (row != null) {
                            row.lists.get(rs.getString("List")).add(rs.getString("Value"));
                        }
                    }
                }
                c.commit();
                order.sort(Long::compare);
                return order.stream().map(id -> rows.get(id).taskQueue()).toList();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static final class Row {
        final long tqId;
        final String owner;
        final String ownerGroup;
        final String vo;
        final long cpuTime;
        final double priority;
        final int jobs;
        final Map<String, List<String>> lists = new HashMap<>();

        Row(long tqId, String owner, String ownerGroup, String vo, long cpuTime, double priority, int jobs) {
            this.tqId = tqId;
            this.owner = owner;
            this.ownerGroup = ownerGroup;
            this.vo = vo;
            this.cpuTime = cpuTime;
            this.priority = priority;
            this.jobs = jobs;
            LIST_NAMES.forEach(name -> lists.put(name, new ArrayList<>()));
        }

        DiracTaskQueue taskQueue() {
            return new DiracTaskQueue(tqId, owner, ownerGroup, vo, cpuTime, priority, jobs, lists.get("Sites"),
                    lists.get("BannedSites"), lists.get("Platforms"), lists.get("Tags"), lists.get("JobTypes"),
                    lists.get("GridCEs"));
        }
    }
}
