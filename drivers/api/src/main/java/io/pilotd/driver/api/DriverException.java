package io.pilotd.driver.api;

/**
 * A call the cloud refused for good (bad credentials, unknown image, quota): retrying the same
 * call will not help. The message is the cloud's own words and becomes the reason a pilot is
 * {@code Aborted}; it must never contain a secret.
 */
public class DriverException extends Exception {
    private static final long serialVersionUID = 1L;

    public DriverException(String message) {
        super(message);
    }

    public DriverException(String message, Throwable cause) {
        super(message, cause);
    }
}
