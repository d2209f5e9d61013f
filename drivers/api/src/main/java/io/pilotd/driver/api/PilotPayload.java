package io.pilotd.driver.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What every pilot of one submission carries, rendered by the director.
 *
 * <p>The environment is the same for every pilot of the batch; a driver adds each pilot's own
 * {@link #STAMP_VARIABLE} where it can, or the pilot derives it ({@link BatchStamps}).
 *
 * <p>{@link #toString()} shows no secret and no user-data: a payload may be logged, its proxy
 * never.
 *
 * @param environment variables every pilot gets, none of them secret
 * @param secrets     variables every pilot gets that must never be logged ({@link #PROXY_VARIABLE})
 * @param userData    the cloud-init a VM boots with: everything inside, secrets included
 * @param bootstrap   the shell script a container runs to find its stamp, write its proxy and start the wrapper
 * @param wrapper     the DIRAC pilot wrapper: fetches the pilot files, checks them, runs {@code dirac-pilot.py};
 *                    empty when the queue's pilots are not DIRAC pilots (a local queue's own command)
 */
public record PilotPayload(Map<String, String> environment, Map<String, String> secrets, String userData,
                           String bootstrap, String wrapper) {
    /** The variable in which every pilot finds its own stamp, as DIRAC's pilot expects. */
    public static final String STAMP_VARIABLE = "DIRAC_PILOT_STAMP";
    /** The variable that brings the proxy (base64 PEM) to a container or a local pilot; the wrapper writes it to a 0600 file. */
    public static final String PROXY_VARIABLE = "PILOTD_PROXY";
    /** The variable that brings the wrapper (gzip, base64) to a container. */
    public static final String WRAPPER_VARIABLE = "PILOTD_WRAPPER";

    public PilotPayload {
        environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
        secrets = Map.copyOf(Objects.requireNonNull(secrets, "secrets"));
        userData = userData == null ? "" : userData;
        bootstrap = bootstrap == null ? "" : bootstrap;
        wrapper = wrapper == null ? "" : wrapper;
    }

    public PilotPayload(Map<String, String> environment, String userData, String bootstrap) {
        this(environment, Map.of(), userData, bootstrap, "");
    }

    /** A payload for drivers that run a command of their own (no VM, no container). */
    public PilotPayload(Map<String, String> environment, String userData) {
        this(environment, userData, "");
    }

    /** The environment and the secrets together: what a process or a container is started with. */
    public Map<String, String> fullEnvironment() {
        Map<String, String> all = new LinkedHashMap<>(environment);
        all.putAll(secrets);
        return all;
    }

    @Override
    public String toString() {
        return "PilotPayload[environment=" + environment + ", secrets=" + secrets.keySet() + " (values redacted)"
                + ", userData=" + userData.length() + " chars, bootstrap=" + bootstrap.length() + " chars, wrapper="
                + wrapper.length() + " chars]";
    }
}
