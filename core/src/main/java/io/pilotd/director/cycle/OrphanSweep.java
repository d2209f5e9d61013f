package io.pilotd.director.cycle;

import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.SubmissionLease;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles the cloud with the pilot table: every resource carrying this director's id that the
 * cloud still holds, whatever its state (a VM that powered off holds its disk and quota), is
 * matched to its stamp's row. One whose row is still {@code Submitting} from a submission cut
 * short is adopted. One with no live row (never recorded, or recorded as ended: its delete was
 * refused or lost) or whose stamp's row names another resource (a duplicate) is an orphan: it is
 * killed once older than the consistency window, never before (a resource that young may belong
 * to a submission whose answer is still on its way). A resource is forgotten only once the cloud
 * no longer lists it: a kill that fails is tried again at the next sweep.
 */
public final class OrphanSweep {
    private static final Logger log = LoggerFactory.getLogger(OrphanSweep.class);

    /** What one sweep did. */
    public record Result(int adopted, int killed) {
        public static final Result NONE = new Result(0, 0);
    }

    private final Jdbi jdbi;
    private final PilotStore pilots;
    private final String directorId;
    /** When a resource whose cloud gives no creation time was first seen, by jobRef. */
    private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();

    public OrphanSweep(Jdbi jdbi, PilotStore pilots, String directorId) {
        this.jdbi = jdbi;
        this.pilots = pilots;
        this.directorId = directorId;
    }

    public Result sweep(String queue, PilotDriver driver, Duration window, Instant now) throws DriverException {
        List<OwnedPilot> owned = driver.listOwned(directorId);
        Map<String, PilotRecord> rows = pilots.byStamp(owned.stream().map(OwnedPilot::stamp).toList());
        Map<String, String> adopt = new LinkedHashMap<>();
        List<String> orphans = new ArrayList<>();
        Set<String> checkedLeases = new HashSet<>();
        Set<String> abandoned = new HashSet<>();
        for (OwnedPilot resource : owned) {
            PilotRecord row = rows.get(resource.stamp());
            if (row != null && row.status() == PilotStatus.Submitting) {
                if (checkedLeases.add(row.batchId()) && SubmissionLease.isAbandoned(jdbi, row.batchId())) {
                    abandoned.add(row.batchId());
                }
                if (abandoned.contains(row.batchId())) {
                    adopt.put(row.stamp(), resource.jobRef());
                }
                continue;
            }
            boolean recorded = row != null && !row.status().isFinal() && resource.jobRef().equals(row.jobRef());
            if (!recorded && !young(resource, window, now)) {
                orphans.add(resource.jobRef());
                log.warn("[{}] orphan {} (stamp {}, {}): {}; killing it", queue, resource.jobRef(), resource.stamp(),
                        resource.state().reason().isEmpty() ? resource.state().status() : resource.state().reason(),
                        row == null ? "no pilot has this stamp"
                                : !resource.jobRef().equals(row.jobRef()) ? "its pilot is " + row.jobRef()
                                : "its pilot is " + row.status() + " and the cloud still holds it");
            }
        }
        int adopted = pilots.adopt(adopt, NativeIds.of(driver, adopt.values()), UnresolvedSubmissions.ADOPTED);
        if (!orphans.isEmpty()) {
            driver.kill(orphans);
        }
        firstSeen.keySet().retainAll(owned.stream().map(OwnedPilot::jobRef).toList());
        return new Result(adopted, orphans.size());
    }

    private boolean young(OwnedPilot resource, Duration window, Instant now) {
        Instant created = resource.createdAt() != null ? resource.createdAt()
                : firstSeen.computeIfAbsent(resource.jobRef(), ref -> now);
        return created.plus(window).isAfter(now);
    }
}
