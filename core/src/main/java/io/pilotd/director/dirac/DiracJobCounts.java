package io.pilotd.director.dirac;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many jobs DIRAC gave each of pilotd's pilots, read from DIRAC's PilotAgentsDB: its
 * Matcher maps each job it gives a pilot to the pilot's row (PilotAgentsDB.setJobForPilot, a
 * row of JobToPilotMapping keyed by the PilotID; the table is defined in
 * src/DIRAC/WorkloadManagementSystem/DB/PilotAgentsDB.sql, lines 59-65 at 132ee6ac). One read-only
 * statement for a batch of pilots, by the references the mirror wrote; a pilot DIRAC has no row
 * of is left out (not known, not empty).
 */
public final class DiracJobCounts {
    static final String COUNT = "SELECT p.PilotJobReference, COUNT(m.JobID) FROM PilotAgents p"
            + " LEFT JOIN JobToPilotMapping m ON m.PilotID = p.PilotID WHERE p.PilotJobReference IN (%s)"
            + " GROUP BY p.PilotJobReference";

    private final DiracDatabase database;

    public DiracJobCounts(DiracDatabase database) {
        this.database = database;
    }

    /** The jobs of each pilot DIRAC has a row of, by reference ({@link DiracReference}). */
    public Map<String, Integer> count(List<String> references) throws SQLException {
        if (references.isEmpty()) {
            return Map.of();
        }
        Map<String, Integer> jobs = new LinkedHashMap<>();
        try (Connection c = database.connection();
             PreparedStatement s = c.prepareStatement(String.format(COUNT, String.join(", ",
                     Collections.nCopies(references.size(), "?"))))) {
            for (int i = 0; i < references.size(); i++) {
                s.setString(i + 1, references.get(i));
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    jobs.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return jobs;
    }
}
