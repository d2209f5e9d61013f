package io.pilotd.director.dirac;

import java.time.Instant;

/**
 * A pilot as DIRAC's PilotAgents table shows it.
 *
 * @param jobRef   PilotJobReference
 * @param ce       DestinationSite: DIRAC's name for the CE
 * @param ceQueue  Queue: the CE's queue
 * @param site     GridSite
 * @param gridType GridType: the driver that started it (aws-batch, ec2, ...)
 */
public record PilotAgent(String jobRef, String stamp, String ce, String ceQueue, String site, String vo, String gridType,
                         String status, String statusReason, Instant submittedAt, Instant updatedAt) {
}
