package io.pilotd.driver.api;

/**
 * A call that was not carried out and may succeed later: throttled (429,
 * {@code RequestLimitExceeded}), refused before it was sent (connection refused, no route), or
 * not enough capacity now. A submit that throws this started nothing, so its pilots can be
 * {@code Aborted} at once; the director backs the queue off.
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
