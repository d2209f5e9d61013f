package io.pilotd.director.dirac;

import io.pilotd.driver.api.PilotStatus;
import java.time.Instant;

/**
 * A pilot as DIRAC's PilotAgents table shows it: the fields pilotd owns.
 *
 * @param ce         DestinationSite: DIRAC's name for the CE
 * @param ceQueue    Queue: the CE's queue
 * @param site       GridSite
 * @param ownerGroup OwnerGroup, where the queue serves exactly one group; else null
 */
public record PilotAgent(String stamp, String ce, String ceQueue, String site, String vo, String ownerGroup,
                         PilotStatus status, String statusReason, Instant submittedAt) {
    /** PilotJobReference: the reference the pilot reports to DIRAC, known from its stamp. */
    public String reference() {
        return DiracReference.of(stamp);
    }
}
