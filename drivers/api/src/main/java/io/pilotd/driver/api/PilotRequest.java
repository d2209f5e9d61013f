package io.pilotd.driver.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One bulk submission: start one pilot per stamp, for one queue.
 *
 * @param batchId     names this submission; a driver derives its idempotency token or its
 *                    resources' names from it, so that the batch can be found again
 * @param stamps      the pilots' stamps, made by the director before the call; the driver must
 *                    tag each cloud resource with its stamp (or derive it: {@link BatchStamps})
 * @param maxLifetime the longest a pilot may live: the cloud ends it then even if the director
 *                    is gone (a VM's own timer, a Batch job's timeout)
 */
public record PilotRequest(String batchId, List<String> stamps, PilotPayload payload, Duration maxLifetime) {
    /** A queue's {@code limits.maxLifetime} when it sets none. */
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(48);

    public PilotRequest {
        Objects.requireNonNull(batchId, "batchId");
        stamps = List.copyOf(stamps);
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        if (stamps.isEmpty()) {
            throw new IllegalArgumentException("a submission needs at least one stamp");
        }
        if (maxLifetime.isNegative() || maxLifetime.isZero()) {
            throw new IllegalArgumentException("maxLifetime must be longer than zero");
        }
    }

    public PilotRequest(String batchId, List<String> stamps, PilotPayload payload) {
        this(batchId, stamps, payload, DEFAULT_MAX_LIFETIME);
    }

    public int count() {
        return stamps.size();
    }
}
