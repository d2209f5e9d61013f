package io.pilotd.driver.api;

import java.util.List;
import java.util.Map;

/**
 * The cloud started some of the pilots and refused the others for good, in its own words (a quota
 * that admits fewer than asked): a definite answer, settled in the same cycle. The director
 * records {@link #started}, aborts {@link #refused} with the message, and backs the queue off as
 * after a refusal. A stamp of the request in neither was asked for and is not listed yet: it
 * stays {@code Submitting}, for {@link PilotDriver#lookUp} to settle over the consistency window.
 */
public class PartlyRefusedException extends DriverException {
    private static final long serialVersionUID = 1L;

    private final transient Map<String, String> started;
    private final transient List<String> refused;

    /**
     * @param started the jobRefs of the pilots started and listed, by stamp
     * @param refused the stamps the cloud never made
     */
    public PartlyRefusedException(String message, Map<String, String> started, List<String> refused) {
        super(message);
        this.started = Map.copyOf(started);
        this.refused = List.copyOf(refused);
    }

    public Map<String, String> started() {
        return started;
    }

    public List<String> refused() {
        return refused;
    }
}
