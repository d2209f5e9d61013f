package io.pilotd.driver.api;

import java.time.Instant;

/**
 * A resource the cloud still has that carries this director's tag, found for reconciliation:
 * whatever its state, as long as it holds something there (a VM powered off, a job not ended), so
 * that one whose pilot ended and whose delete failed is found and deleted again.
 *
 * @param createdAt when the cloud created it, or null where the cloud does not say (the sweep
 *                  then counts its age from the first time it saw it)
 */
public record OwnedPilot(String stamp, String jobRef, PilotState state, Instant createdAt) {
}
