package io.pilotd.director.dirac;

import io.pilotd.driver.api.PilotStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Writes pilots into DIRAC's PilotAgents table (its PilotAgentsDB), in one transaction a batch,
 * keyed by the reference the pilot itself reports ({@link DiracReference}). A row that is there
 * already (the pilot registered itself first, or a batch is written again after a lost answer)
 * gets every field pilotd owns; its status only moves forward: Running, which DIRAC's Matcher
 * writes when the pilot takes a job, is never overwritten by Submitted, and a final status never
 * changes. LastUpdateTime is the write's time, as DIRAC's setPilotStatus writes UTC_TIMESTAMP():
 * a write is what keeps DIRAC's PilotStatusAgent from taking a live pilot for a stalled one.
 * The README lists these statements and the grants they need (SELECT, INSERT, UPDATE on PilotAgents).
 */
public final class PilotAgentsWriter {
    /** DIRAC's grid type of pilotd's pilots: the ComputingElement class dirac/ ships (PilotdComputingElement). */
    public static final String GRID_TYPE = "Pilotd";
    static final String FIND = "SELECT PilotJobReference FROM PilotAgents WHERE PilotJobReference IN (%s)";
    /** A status's rank: final ones never change, Running gives way to final ones only, the rest to anything. */
    private static final String RANK = "(CASE WHEN Status IN ("
            + PilotStatus.finals().stream().map(s -> "'" + s.name() + "'").collect(Collectors.joining(", "))
            + ") THEN 2 WHEN Status = 'Running' THEN 1 ELSE 0 END)";
    /** DIRAC's StatusReason is a VARCHAR(255). */
    private static final int REASON_LENGTH = 255;

    private final DiracDatabase database;
    /** PilotAgents' columns, read once: OwnerGroup and OwnerDN exist in some DIRAC versions only. */
    private Set<String> columns;

    public PilotAgentsWriter(DiracDatabase database) {
        this.database = database;
    }

    public DiracDatabase database() {
        return database;
    }

    /** @param now the write's time: every row's LastUpdateTime */
    public void write(List<PilotAgent> pilots, Instant now) throws SQLException {
        if (pilots.isEmpty()) {
            return;
        }
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                boolean owners = columns(c).contains("OWNERGROUP");
                boolean ownerDn = columns(c).contains("OWNERDN");
                Set<String> known = known(c, pilots);
                try (PreparedStatement insert = c.prepareStatement(insert(owners, ownerDn));
                     PreparedStatement update = c.prepareStatement(update(owners))) {
                    int inserts = 0;
                    int updates = 0;
                    for (PilotAgent p : pilots) {
                        if (known.contains(p.reference())) {
                            bindUpdate(update, p, owners, now);
                            update.addBatch();
                            updates++;
                        } else {
                            bindInsert(insert, p, owners, now);
                            insert.addBatch();
                            inserts++;
                        }
                    }
                    if (inserts > 0) {
                        insert.executeBatch();
                    }
                    if (updates > 0) {
                        update.executeBatch();
                    }
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static String insert(boolean owners, boolean ownerDn) {
        return "INSERT INTO PilotAgents (PilotJobReference, PilotStamp, DestinationSite, Queue, GridSite, VO, GridType,"
                + " Status, StatusReason, SubmissionTime, LastUpdateTime" + (owners ? ", OwnerGroup" : "")
                + (ownerDn ? ", OwnerDN" : "") + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?" + (owners ? ", ?" : "")
                + (ownerDn ? ", ''" : "") + ")";
    }

    /**
     * StatusReason is set before Status: MySQL and MariaDB assign a single-table UPDATE's columns
     * left to right, each seeing the ones before it, so the reason must be decided on the old status.
     */
    private static String update(boolean owners) {
        String moves = RANK + " <= ?";
        return "UPDATE PilotAgents SET StatusReason = CASE WHEN " + moves + " THEN ? ELSE StatusReason END,"
                + " Status = CASE WHEN " + moves + " THEN ? ELSE Status END,"
                + " PilotStamp = ?, DestinationSite = ?, Queue = ?, GridSite = ?, VO = ?, GridType = ?,"
                + " SubmissionTime = ?, LastUpdateTime = ?" + (owners ? ", OwnerGroup = COALESCE(?, OwnerGroup)" : "")
                + " WHERE PilotJobReference = ?";
    }

    private static void bindInsert(PreparedStatement s, PilotAgent p, boolean owners, Instant now) throws SQLException {
        s.setString(1, p.reference());
        s.setString(2, p.stamp());
        s.setString(3, p.ce());
        s.setString(4, p.ceQueue());
        s.setString(5, p.site());
        s.setString(6, p.vo() == null ? "" : p.vo());
        s.setString(7, GRID_TYPE);
        s.setString(8, p.status().diracName());
        s.setString(9, reason(p.statusReason()));
        s.setObject(10, utc(p.submittedAt()));
        s.setObject(11, utc(now));
        if (owners) {
            s.setString(12, p.ownerGroup() == null ? "" : p.ownerGroup());
        }
    }

    private static void bindUpdate(PreparedStatement s, PilotAgent p, boolean owners, Instant now) throws SQLException {
        int rank = Math.min(rank(p.status()), 1);
        s.setInt(1, rank);
        s.setString(2, reason(p.statusReason()));
        s.setInt(3, rank);
        s.setString(4, p.status().diracName());
        s.setString(5, p.stamp());
        s.setString(6, p.ce());
        s.setString(7, p.ceQueue());
        s.setString(8, p.site());
        s.setString(9, p.vo() == null ? "" : p.vo());
        s.setString(10, GRID_TYPE);
        s.setObject(11, utc(p.submittedAt()));
        s.setObject(12, utc(now));
        int next = 13;
        if (owners) {
            s.setString(next++, p.ownerGroup());
        }
        s.setString(next, p.reference());
    }

    /** As {@link #RANK} ranks DIRAC's statuses; a new status applies where the old one ranks at most min(its rank, 1). */
    private static int rank(PilotStatus status) {
        return status.isFinal() ? 2 : status == PilotStatus.Running ? 1 : 0;
    }

    private Set<String> columns(Connection c) throws SQLException {
        if (columns == null) {
            Set<String> names = new TreeSet<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM PilotAgents WHERE 1 = 0")) {
                ResultSetMetaData meta = rs.getMetaData();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    names.add(meta.getColumnName(i).toUpperCase(Locale.ROOT));
                }
            }
            columns = names;
        }
        return columns;
    }

    private static Set<String> known(Connection c, List<PilotAgent> pilots) throws SQLException {
        String marks = String.join(", ", pilots.stream().map(p -> "?").toList());
        try (PreparedStatement find = c.prepareStatement(FIND.formatted(marks))) {
            for (int i = 0; i < pilots.size(); i++) {
                find.setString(i + 1, pilots.get(i).reference());
            }
            Set<String> known = new HashSet<>();
            try (ResultSet rs = find.executeQuery()) {
                while (rs.next()) {
                    known.add(rs.getString(1));
                }
            }
            return known;
        }
    }

    private static String reason(String reason) {
        String text = reason == null || reason.isEmpty() ? "Unknown" : reason;
        return text.length() > REASON_LENGTH ? text.substring(0, REASON_LENGTH) : text;
    }

    /** DIRAC keeps its times as UTC in DATETIME columns, which have no zone. */
    private static LocalDateTime utc(Instant at) {
        return LocalDateTime.ofInstant(at, ZoneOffset.UTC);
    }
}
