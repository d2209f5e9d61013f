package io.pilotd.driver.api;

import java.util.Map;
import java.util.Objects;

/**
 * What every pilot of one submission carries, rendered by the director.
 *
 * <p>The environment is the same for every pilot of the batch; a driver adds each pilot's own
 * {@link #STAMP_VARIABLE}. {@code userData} is the cloud-init a VM boots with (empty for
 * drivers that start processes or containers).
 */
public record PilotPayload(Map<String, String> environment, String userData) {
    /** The variable in which every pilot finds its own stamp, as DIRAC's pilot expects. */
    public static final String STAMP_VARIABLE = "DIRAC_PILOT_STAMP";

    public PilotPayload {
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        userData = userData == null ? "" : userData;
    }
}
