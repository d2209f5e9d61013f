package io.pilotd.driver.api;

/**
 * A call that failed for now (throttling, time-out, 5xx): the same call may succeed later.
 * The director backs the queue off instead of recording the refusal as final.
 */
public class RetryableDriverException extends DriverException {
    private static final long serialVersionUID = 1L;

    public RetryableDriverException(String message) {
        super(message);
    }

    public RetryableDriverException(String message, Throwable cause) {
        super(message, cause);
    }
}
