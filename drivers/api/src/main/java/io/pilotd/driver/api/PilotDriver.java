package io.pilotd.driver.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Starts, follows and stops the pilots of one queue on one cloud. Bulk-first: one call starts a
 * whole submission and one call reads the state of many pilots.
 *
 * <p>A method that cannot get an answer throws; it never returns an empty answer in its place,
 * because the director would record "I don't know" as "gone". It throws only the contract's
 * exceptions ({@link DriverException} and its two subclasses), never an SDK's or a runtime one.
 *
 * <p>Clouds are eventually consistent: a resource may be missing from listings for a while
 * after its create succeeded. {@link #consistencyWindow()} says how long; the director never
 * takes absence inside it as an answer.
 */
public interface PilotDriver extends AutoCloseable {

    /**
     * Starts one pilot per stamp of the request.
     *
     * @return the jobRef of each started pilot, by stamp; a stamp missing from the map was not
     *         started (the cloud gave fewer than asked)
     * @throws RetryableDriverException when the call was not carried out (throttled, not sent);
     *                                  nothing was started
     * @throws OutcomeUnknownException  when the answer was lost (time-out, 5xx, dropped
     *                                  connection): some or all pilots may have started; the
     *                                  director resolves it with {@link #lookUp}
     * @throws PartlyRefusedException   when the cloud started some and refused the others for good
     * @throws DriverException          when the cloud refused the submission; nothing was started
     */
    Map<String, String> submit(PilotRequest request) throws DriverException;

    /**
     * Asks the cloud what it started for this submission, whose answer was lost. Called with the
     * same request again, as often as needed across the consistency window; it must never start
     * a second set of pilots (a driver whose cloud has an idempotency token may re-send the
     * create with it; one without finds the batch by the names or tags it gave it).
     *
     * @param directorId the director that made the submission (in a cluster, maybe not this one)
     */
    BatchLookup lookUp(PilotRequest request, String directorId) throws DriverException;

    /**
     * Reads the state of many pilots at once.
     *
     * @return the state of each jobRef the cloud lists; a jobRef missing from the map is one the
     *         cloud does not list now (gone, or not listed yet: see {@link #consistencyWindow()})
     */
    Map<String, PilotState> status(List<String> jobRefs) throws DriverException;

    /** Stops these pilots and releases what they hold; a pilot already gone is not an error. */
    void kill(List<String> jobRefs) throws DriverException;

    /**
     * The cloud's own id of a pilot this driver started or listed (a Batch job id, the id a
     * serverless endpoint answered with), recorded beside its jobRef; empty where the driver has
     * none to give. Answered from the jobRef or from what the driver learnt; never a call.
     */
    default Optional<String> nativeId(String jobRef) {
        return Optional.empty();
    }

    /** The pilot's log or console output where the cloud keeps one. */
    Optional<String> output(String jobRef) throws DriverException;

    /**
     * Every resource the cloud holds that carries this director id, for reconciliation: whatever
     * its state, as long as it holds something (a VM powered off or in error, a container job not
     * ended), never one that is gone (a terminated instance still listed, a job that ended). The
     * director deletes one whose pilot ended: a resource is forgotten only when the cloud no
     * longer holds it. The listing is bounded by what exists, never by the account's history.
     */
    List<OwnedPilot> listOwned(String directorId) throws DriverException;

    /**
     * Deletes what this driver keeps of its pilots that ended before {@code endedBefore} (a
     * local pilot's directory and output, say); the director keeps their rows. Called by the
     * daemon's retention, a bounded amount of work each time; a driver that keeps nothing after
     * a pilot ends has nothing to do.
     *
     * @return how many pilots' remains were deleted
     */
    default int trim(Instant endedBefore) throws DriverException {
        return 0;
    }

    /**
     * Whether this driver's pilots run the DIRAC pilot wrapper of the payload (they need the
     * pilot files' locations); false for a driver that runs a command of its own.
     */
    default boolean runsPilotWrapper() {
        return true;
    }

    /**
     * How long after its create a resource may still be missing from this cloud's listings.
     * A queue may set its own ({@code consistencyWindow}); this is the driver's default.
     */
    Duration consistencyWindow();

    @Override
    default void close() {
    }
}
