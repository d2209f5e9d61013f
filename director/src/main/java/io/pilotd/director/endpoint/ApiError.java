package io.pilotd.director.endpoint;

import java.time.Duration;

/** A request the endpoint refuses: the HTTP status, and a message that says why and what to do. */
final class ApiError extends Exception {
    private final int status;
    private final Duration retryAfter;

    ApiError(int status, String message) {
        this(status, message, null);
    }

    ApiError(int status, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    int status() {
        return status;
    }

    /** How long the client should wait before it tries again, or null. */
    Duration retryAfter() {
        return retryAfter;
    }
}
