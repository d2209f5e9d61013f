package io.pilotd.director.cycle;

import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.SubmissionLease;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Resolves the {@code Submitting} rows of submissions that were cut short (a crash between the
 * cloud call and the database write): the cloud is asked what it has with this director's tag;
 * a pilot it has is adopted, one it does not have is {@code Aborted}. Rows of a submission still
 * in flight (its lease held) are left alone.
 */
public final class InterruptedSubmissions {
    static final String NEVER_STARTED = "the submission was interrupted and the cloud has no such pilot";

    private final Jdbi jdbi;
    private final PilotStore pilots;

    public InterruptedSubmissions(Jdbi jdbi, PilotStore pilots) {
        this.jdbi = jdbi;
        this.pilots = pilots;
    }

    /** @return how many rows were resolved */
    public int resolve(String queue, PilotDriver driver) throws DriverException {
        Map<String, List<PilotRecord>> byDirector = new HashMap<>();
        pilots.submittingBatches(queue).forEach((batchId, rows) -> {
            if (SubmissionLease.isAbandoned(jdbi, batchId)) {
                rows.forEach(row -> byDirector.computeIfAbsent(row.directorId(), d -> new ArrayList<>()).add(row));
            }
        });
        int resolved = 0;
        for (Map.Entry<String, List<PilotRecord>> entry : byDirector.entrySet()) {
            Map<String, OwnedPilot> owned = new HashMap<>();
            for (OwnedPilot pilot : driver.listOwned(entry.getKey())) {
                owned.put(pilot.stamp(), pilot);
            }
            Map<String, OwnedPilot> found = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            for (PilotRecord row : entry.getValue()) {
                OwnedPilot pilot = owned.get(row.stamp());
                if (pilot != null) {
                    found.put(row.stamp(), pilot);
                } else {
                    missing.add(row.stamp());
                }
            }
            pilots.adopt(found);
            pilots.abort(missing, NEVER_STARTED);
            resolved += entry.getValue().size();
        }
        return resolved;
    }
}
