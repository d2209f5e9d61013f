package io.pilotd.driver.api;

import java.util.Objects;

/** What a driver says of one pilot: its status and the cloud's reason for it (may be empty). */
public record PilotState(PilotStatus status, String reason) {
    public PilotState {
        Objects.requireNonNull(status, "status");
        reason = reason == null ? "" : reason;
    }

    public static PilotState of(PilotStatus status, String reason) {
        return new PilotState(status, reason);
    }
}
