package io.pilotd.director.store;

import io.pilotd.driver.api.PilotStatus;
import java.time.Instant;
import java.util.List;

/**
 * One row of the pilot table.
 *
 * @param nativeId      the cloud's own id of it, where its driver gives one
 * @param driverSetupId the driver and parameters it was started with (null for rows older than set-ups)
 * @param taskQueues    the task queues it was submitted for
 * @param killAsked     why the director asked the cloud to kill it (written before the kill call;
 *                      null when it never did)
 * @param startedAt     when it was first seen Running (null: it never ran)
 * @param jobs          the jobs it ran, once it ended and they are known (0: an empty pilot)
 */
public record PilotRecord(
        long id,
        String stamp,
        String jobRef,
        String nativeId,
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
        Instant finishedAt,
        Long driverSetupId,
        List<Long> taskQueues,
        String killAsked,
        Instant startedAt,
        Integer jobs) {
}
