package io.pilotd.director.endpoint;

import java.time.Duration;

/** A request the endpoint refuses: the HTTP status, and a message that says why and what to do. */
final class ApiError extends Exception {
    private final int status;
    private final Duration retryAfter;
    private final String challenge;

    ApiError(int status, String message) {
        this(status, message, null);
    }

    ApiError(int status, String message, Duration retryAfter) {
        this(status, message, retryAfter, null);
    }

    ApiError(int status, String message, Duration retryAfter, String challenge) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfter = retryAfter;
        this.challenge = challenge;
    }

    /** The WWW-Authenticate challenge it answers with (RFC 6750), or null. */
    String challenge() {
        return challenge;
    }

    int status() {
        return status;
    }

    /** How long the client should wait before it tries again, or null. */
    Duration retryAfter() {
        return retryAfter;
    }
}
