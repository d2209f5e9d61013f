package io.pilotd.director.report;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.Query;
import org.postgresql.util.PGInterval;

/** Reads a report's view, within a window and for one queue if asked, in one read-only transaction. */
public final class ReportQuery {
    private final Jdbi jdbi;

    public ReportQuery(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * @param since      the window of a windowed report (null: the view's default, 24 hours)
     * @param stuckAfter the threshold of the stuck report (null: the view's default, 1 hour)
     * @param queue      only this queue's rows (null: all)
     */
    public ReportTable read(Report report, Duration since, Duration stuckAfter, String queue) {
        return jdbi.inTransaction(h -> {
            h.execute("set transaction read only");
            setting(h, "pilotd.report_since", since);
            setting(h, "pilotd.report_stuck_after", stuckAfter);
            Query query = h.createQuery("select * from " + report.view()
                    + (queue == null ? "" : " where queue = :queue"));
            if (queue != null) {
                query.bind("queue", queue);
            }
            return query.scanResultSet((supplier, ctx) -> table(supplier.get()));
        });
    }

    /** The queues a report can be filtered on: every queue the database has known, configured or not. */
    public List<String> queues() {
        return jdbi.withHandle(h -> h.createQuery("select name from queue order by name").mapTo(String.class).list());
    }

    private static void setting(Handle h, String name, Duration value) {
        if (value != null) {
            // set_config(..., true): for this transaction only
            h.createQuery("select set_config(:name, :value, true)")
                    .bind("name", name).bind("value", value.toSeconds() + " seconds").mapTo(String.class).one();
        }
    }

    private static ReportTable table(ResultSet rs) throws SQLException {
        ResultSetMetaData meta = rs.getMetaData();
        List<String> columns = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(meta.getColumnLabel(i));
        }
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            Object[] row = new Object[columns.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = value(rs.getObject(i + 1));
            }
            rows.add(Arrays.asList(row));
        }
        return new ReportTable(columns, rows);
    }

    private static Object value(Object value) {
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        if (value instanceof PGInterval interval) {
            long micros = Math.round(interval.getSeconds() * 1_000_000);
            return Duration.ofDays(interval.getYears() * 365L + interval.getMonths() * 30L + interval.getDays())
                    .plusHours(interval.getHours()).plusMinutes(interval.getMinutes()).plusNanos(micros * 1000);
        }
        return value;
    }
}
