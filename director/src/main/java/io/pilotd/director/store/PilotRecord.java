package io.pilotd.director.store;

import io.pilotd.driver.api.PilotStatus;
import java.time.Instant;

/** One row of the pilot table. */
public record PilotRecord(
        long id,
        String stamp,
        String jobRef,
        String queue,
        String site,
        String ce,
        String driver,
        String vo,
        String batchId,
        String directorId,
        PilotStatus status,
        String statusReason,
        Instant submittedAt,
        Instant updatedAt,
        Instant finishedAt) {
}
