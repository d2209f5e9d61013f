package io.pilotd.driver.api;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts, follows and stops the pilots of one queue on one cloud. Bulk-first: one call starts a
 * whole submission and one call reads the state of many pilots.
 *
 * <p>A method that cannot get an answer throws; it never returns an empty answer in its place,
 * because the director would record "I don't know" as "gone".
 */
public interface PilotDriver extends AutoCloseable {

    /**
     * Starts one pilot per stamp of the request.
     *
     * @return the jobRef of each started pilot, by stamp; a stamp missing from the map was not
     *         started (the cloud gave fewer than asked)
     * @throws RetryableDriverException when the cloud cannot answer now; nothing was started
     * @throws DriverException          when the cloud refused the submission; nothing was started
     */
    Map<String, String> submit(PilotRequest request) throws DriverException;

    /**
     * Reads the state of many pilots at once.
     *
     * @return the state of each jobRef the cloud knows; a jobRef missing from the map is one the
     *         cloud no longer knows
     */
    Map<String, PilotState> status(List<String> jobRefs) throws DriverException;

    /** Stops these pilots and releases what they hold; a pilot already gone is not an error. */
    void kill(List<String> jobRefs) throws DriverException;

    /** The pilot's log or console output where the cloud keeps one. */
    Optional<String> output(String jobRef) throws DriverException;

    /** Every resource the cloud still has that carries this director id, for reconciliation. */
    List<OwnedPilot> listOwned(String directorId) throws DriverException;

    @Override
    default void close() {
    }
}
