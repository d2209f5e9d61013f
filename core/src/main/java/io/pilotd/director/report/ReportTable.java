package io.pilotd.director.report;

import java.util.List;

/** What a report printed: its columns, and rows of values (Instant, Duration, numbers, text). */
public record ReportTable(List<String> columns, List<List<Object>> rows) {
    public ReportTable {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }

    /** The values of one column, top to bottom. */
    public List<Object> column(String name) {
        int index = columns.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("no column " + name + " in " + columns);
        }
        return rows.stream().map(r -> r.get(index)).toList();
    }
}
