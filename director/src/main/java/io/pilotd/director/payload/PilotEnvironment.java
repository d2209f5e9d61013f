package io.pilotd.director.payload;

import io.pilotd.director.config.PilotSettings;
import io.pilotd.director.store.QueueRow;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every pilot of a submission is told through its environment: where it runs (DIRAC's
 * site, CE and queue), its batch (from which it derives its stamp where the driver cannot set
 * it), and the DIRAC pilot options; and the user-data and bootstrap that carry them into a VM
 * or a container.
 */
public final class PilotEnvironment {
    private static final PayloadRenderer RENDERER = PayloadRenderer.fromClasspath();

    private final PilotSettings pilot;
    private final String directorId;

    public PilotEnvironment(PilotSettings pilot, String directorId) {
        this.pilot = pilot;
        this.directorId = directorId;
    }

    /**
     * The request for a batch of a queue: the same for the same batch, so that a driver can
     * re-send it with its idempotency token when the first answer was lost.
     */
    public PilotRequest request(QueueRow queue, String batchId, List<String> stamps) {
        return new PilotRequest(batchId, stamps, payload(queue, batchId), queue.maxLifetime());
    }

    public PilotPayload payload(QueueRow queue, String batchId) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PILOTD_BATCH", batchId);
        env.put("PILOTD_QUEUE", queue.name());
        env.put("PILOTD_DIRECTOR_ID", directorId);
        env.put("DIRAC_SITE", queue.site());
        env.put("DIRAC_CE", queue.ce());
        env.put("DIRAC_QUEUE", queue.ceQueue());
        putIfSet(env, "DIRAC_VO", queue.vo());
        putIfSet(env, "DIRAC_SETUP", pilot.setup());
        putIfSet(env, "DIRAC_CONFIGURATION_SERVER", pilot.configurationServer());
        putIfSet(env, "DIRAC_VERSION", pilot.version());
        putIfSet(env, "DIRAC_PROJECT", pilot.project());
        if (!pilot.extraOptions().isEmpty()) {
            env.put("DIRAC_PILOT_OPTIONS", String.join(" ", pilot.extraOptions()));
        }
        return new PilotPayload(env, RENDERER.userData(env, queue.maxLifetime()), RENDERER.bootstrap());
    }

    private static void putIfSet(Map<String, String> env, String name, String value) {
        if (value != null && !value.isBlank()) {
            env.put(name, value);
        }
    }
}
