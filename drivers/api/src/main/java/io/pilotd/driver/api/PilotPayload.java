package io.pilotd.driver.api;

import java.util.Map;
import java.util.Objects;

/**
 * What every pilot of one submission carries, rendered by the director.
 *
 * <p>The environment is the same for every pilot of the batch; a driver adds each pilot's own
 * {@link #STAMP_VARIABLE} where it can, or the pilot derives it ({@link BatchStamps}).
 *
 * @param userData  the cloud-init a VM boots with: the environment and the bootstrap inside
 * @param bootstrap the shell script a container runs to find its stamp and start the pilot
 */
public record PilotPayload(Map<String, String> environment, String userData, String bootstrap) {
    /** The variable in which every pilot finds its own stamp, as DIRAC's pilot expects. */
    public static final String STAMP_VARIABLE = "DIRAC_PILOT_STAMP";

    public PilotPayload {
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        userData = userData == null ? "" : userData;
        bootstrap = bootstrap == null ? "" : bootstrap;
    }

    /** A payload for drivers that run a command of their own (no VM, no container). */
    public PilotPayload(Map<String, String> environment, String userData) {
        this(environment, userData, "");
    }
}
