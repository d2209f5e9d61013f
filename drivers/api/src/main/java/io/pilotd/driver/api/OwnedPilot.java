package io.pilotd.driver.api;

/** A resource the cloud still has that carries this director's tag, found for reconciliation. */
public record OwnedPilot(String stamp, String jobRef, PilotState state) {
}
