package io.pilotd.driver.api;

/**
 * A call whose request may have reached the cloud but whose answer was lost: a time-out after
 * sending, a 5xx, a dropped connection, a body that could not be read. A submit that throws
 * this may have started some or all of its pilots: the director keeps their rows
 * {@code Submitting} (counted against the limits) and asks the cloud about that batch with
 * {@link PilotDriver#lookUp} until the answer is definite or the consistency window has passed.
 * For a call that only reads, it means the same as {@link RetryableDriverException}: no answer.
 */
public class OutcomeUnknownException extends DriverException {
    private static final long serialVersionUID = 1L;

    public OutcomeUnknownException(String message) {
        super(message);
    }

    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
