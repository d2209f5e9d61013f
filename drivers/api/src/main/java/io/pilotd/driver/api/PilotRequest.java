package io.pilotd.driver.api;

import java.util.List;
import java.util.Objects;

/**
 * One bulk submission: start one pilot per stamp, for one queue.
 *
 * @param batchId names this submission; a driver derives its idempotency token from it so that
 *                a retried call never starts the pilots twice
 * @param stamps  the pilots' stamps, made by the director before the call; the driver must tag
 *                each cloud resource with its stamp
 */
public record PilotRequest(String batchId, List<String> stamps, PilotPayload payload) {
    public PilotRequest {
        Objects.requireNonNull(batchId, "batchId");
        stamps = List.copyOf(stamps);
        Objects.requireNonNull(payload, "payload");
        if (stamps.isEmpty()) {
            throw new IllegalArgumentException("a submission needs at least one stamp");
        }
    }

    public int count() {
        return stamps.size();
    }
}
