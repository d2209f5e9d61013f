package io.pilotd.director.dirac;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes pilots into DIRAC's PilotAgents table (its PilotAgentsDB), in one transaction a batch:
 * a pilot whose PilotJobReference is there already is updated, any other inserted. The table
 * has no unique key on the reference, so it is looked up first; a batch written twice (an
 * answer lost) updates what the first time inserted. The README lists these statements and
 * the grants they need (SELECT, INSERT, UPDATE on PilotAgents).
 */
public final class PilotAgentsWriter {
    static final String FIND = "SELECT PilotJobReference FROM PilotAgents WHERE PilotJobReference IN (%s)";
    static final String INSERT = """
            INSERT INTO PilotAgents (PilotJobReference, PilotStamp, DestinationSite, Queue, GridSite, VO, GridType,
                                     Status, StatusReason, SubmissionTime, LastUpdateTime)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";
    static final String UPDATE = """
            UPDATE PilotAgents SET Status = ?, StatusReason = ?, LastUpdateTime = ?
            WHERE PilotJobReference = ?""";
    /** DIRAC's StatusReason is a VARCHAR(255). */
    private static final int REASON_LENGTH = 255;

    private final DiracDatabase database;

    public PilotAgentsWriter(DiracDatabase database) {
        this.database = database;
    }

    public DiracDatabase database() {
        return database;
    }

    public void write(List<PilotAgent> pilots) throws SQLException {
        if (pilots.isEmpty()) {
            return;
        }
        try (Connection c = database.connection()) {
            c.setAutoCommit(false);
            try {
                Set<String> known = known(c, pilots);
                try (PreparedStatement insert = c.prepareStatement(INSERT);
                     PreparedStatement update = c.prepareStatement(UPDATE)) {
                    int inserts = 0;
                    int updates = 0;
                    for (PilotAgent p : pilots) {
                        if (known.contains(p.jobRef())) {
                            update.setString(1, p.status());
                            update.setString(2, reason(p.statusReason()));
                            update.setObject(3, utc(p.updatedAt()));
                            update.setString(4, p.jobRef());
                            update.addBatch();
                            updates++;
                        } else {
                            insert.setString(1, p.jobRef());
                            insert.setString(2, p.stamp());
                            insert.setString(3, p.ce());
                            insert.setString(4, p.ceQueue());
                            insert.setString(5, p.site());
                            insert.setString(6, p.vo() == null ? "" : p.vo());
                            insert.setString(7, p.gridType());
                            insert.setString(8, p.status());
                            insert.setString(9, reason(p.statusReason()));
                            insert.setObject(10, utc(p.submittedAt()));
                            insert.setObject(11, utc(p.updatedAt()));
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

    private static Set<String> known(Connection c, List<PilotAgent> pilots) throws SQLException {
        String marks = String.join(", ", pilots.stream().map(p -> "?").toList());
        try (PreparedStatement find = c.prepareStatement(FIND.formatted(marks))) {
            for (int i = 0; i < pilots.size(); i++) {
                find.setString(i + 1, pilots.get(i).jobRef());
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
