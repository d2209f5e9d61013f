package io.pilotd.director.cycle;

import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueRow;
import io.pilotd.director.store.SubmissionLease;
import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.Durations;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the {@code Submitting} rows of submissions whose answer never arrived: the cloud's
 * answer was lost (a time-out, a 5xx), or the director died between the cloud call and the
 * database write. The rows stay counted against the limits until the cloud says what it did:
 * the batch's request is made again exactly and {@link PilotDriver#lookUp} asked about it,
 * cycle after cycle. A pilot the cloud has is adopted; one it definitely never started, or
 * cannot show after the hold, is {@code Aborted}. Rows of a submission still in flight (its
 * lease held) are left alone.
 *
 * <p>The hold is what the queue's cloud needs to list a pilot, learnt from its own pilots
 * ({@link #hold}): one and a half times the 90th percentile of their listing lag, at least
 * {@link #FLOOR}, at most the consistency window (all of it while the queue has no pilot listed
 * yet). A cloud that lists at once does not hold a queue's capacity for the whole window.
 */
public final class UnresolvedSubmissions {
    private static final Logger log = LoggerFactory.getLogger(UnresolvedSubmissions.class);
    static final String NEVER_STARTED = "the cloud says it never started this pilot";
    static final String ADOPTED = "adopted: the cloud has it, the answer to its submission was lost";
    /** The least a batch whose answer was lost is held, however fast the cloud lists. */
    static final Duration FLOOR = Duration.ofSeconds(30);
    /** The queue's pilots its listing lag is learnt from, the latest first. */
    static final int LAG_SAMPLE = 100;

    private final Jdbi jdbi;
    private final PilotStore pilots;
    private final PilotEnvironment environment;

    public UnresolvedSubmissions(Jdbi jdbi, PilotStore pilots, PilotEnvironment environment) {
        this.jdbi = jdbi;
        this.pilots = pilots;
        this.environment = environment;
    }

    /** How long the queue holds a batch whose answer was lost, before what its cloud does not list is aborted. */
    public Duration hold(String queue, Duration window) {
        Duration held = pilots.listingLag(queue, LAG_SAMPLE).map(lag -> lag.multipliedBy(3).dividedBy(2)).orElse(window);
        held = held.compareTo(FLOOR) < 0 ? FLOOR : held;
        return held.compareTo(window) > 0 ? window : held;
    }

    /**
     * What one resolution did.
     *
     * @param resolved how many rows were resolved (adopted or aborted)
     * @param hold     how long a batch whose answer was lost is held
     */
    public record Resolution(int resolved, Duration hold) {
    }

    public Resolution resolve(QueueRow queue, long setup, PilotDriver driver, Duration window, Instant now)
            throws DriverException {
        int resolved = 0;
        Duration hold = hold(queue.name(), window);
        for (PilotStore.SubmittingBatch batch : pilots.submittingBatches(setup)) {
            if (!SubmissionLease.isAbandoned(jdbi, batch.batchId())) {
                continue;
            }
            List<String> stamps = batch.rows().stream().map(PilotRecord::stamp).toList();
            PilotRequest request = environment.requestAgain(queue, batch.batchId(), stamps);
            BatchLookup found = driver.lookUp(request, batch.rows().get(0).directorId());
            Map<String, String> adopt = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            for (PilotRecord row : batch.submitting()) {
                String jobRef = found.jobRefs().get(row.stamp());
                if (jobRef != null) {
                    adopt.put(row.stamp(), jobRef);
                } else {
                    missing.add(row.stamp());
                }
            }
            resolved += pilots.adopt(adopt, NativeIds.of(driver, adopt.values()), ADOPTED);
            Instant submitted = batch.rows().get(0).submittedAt();
            if (found.definite()) {
                pilots.abort(missing, NEVER_STARTED);
                resolved += missing.size();
            } else if (!submitted.plus(hold).isAfter(now)) {
                pilots.abort(missing, "the cloud did not show this pilot within " + Durations.format(hold)
                        + " of its submission (" + (hold.equals(window) ? "the consistency window"
                        : "what this queue's cloud takes to list a pilot, with a margin") + ")");
                resolved += missing.size();
            } else if (!missing.isEmpty()) {
                log.info("[{}] {} pilot(s) of batch {} unresolved since {}: held against the limits until {} ({})",
                        queue.name(), missing.size(), batch.batchId(), submitted, submitted.plus(hold),
                        hold.equals(window) ? "the consistency window" : "what this queue's cloud takes to list a pilot");
            }
        }
        return new Resolution(resolved, hold);
    }
}
