package io.pilotd.driver.api;

import java.util.Map;

/**
 * The cloud took the whole submission, but does not list all of its pilots yet, so the driver
 * cannot say which resource is which pilot (Nova answers a multi-create with a reservation id
 * only; its servers' ids come from a listing, which may lag). Unlike a lost answer this is no
 * failure of the cloud: the director records the pilots listed so far, keeps the others
 * {@code Submitting} for {@link PilotDriver#lookUp} to settle over the consistency window, and
 * does not back the queue off.
 */
public class NotYetListedException extends OutcomeUnknownException {
    private static final long serialVersionUID = 1L;

    private final transient Map<String, String> listed;

    /** @param listed the jobRefs of the pilots listed so far, by stamp */
    public NotYetListedException(String message, Map<String, String> listed) {
        super(message);
        this.listed = Map.copyOf(listed);
    }

    public Map<String, String> listed() {
        return listed;
    }
}
