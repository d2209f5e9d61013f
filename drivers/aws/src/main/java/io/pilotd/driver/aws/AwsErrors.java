package io.pilotd.driver.aws;

import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.RetryableDriverException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns whatever an SDK call threw into the contract's three answers:
 * <ul>
 *   <li>throttling, too little capacity, or a request that never left (connection refused, no
 *       such host): {@link RetryableDriverException}, nothing was done;</li>
 *   <li>a 5xx of any shape (an AWS error, a load balancer's HTML page, no body), a time-out, a
 *       dropped connection, a body that could not be read: {@link OutcomeUnknownException} for
 *       a call that changes something, since AWS may have acted; retryable for one that reads;</li>
 *   <li>any other AWS error: the refusal, in AWS's words ({@link DriverException}).</li>
 * </ul>
 * A call that changes something and that the SDK tried more than once after answers it may
 * have lost is {@link OutcomeUnknownException} whatever its last attempt got ({@link #mapRetried}).
 */
final class AwsErrors {
    private static final Set<String> THROTTLING_CODES = Set.of("RequestLimitExceeded", "Throttling", "ThrottlingException",
            "TooManyRequestsException", "RequestThrottled", "RequestThrottledException", "SlowDown");
    /** Refusals that say "not now" rather than "never": nothing was started. */
    private static final Set<String> NOT_NOW_CODES = Set.of("InsufficientInstanceCapacity", "InsufficientHostCapacity",
            "InsufficientReservedInstanceCapacity", "Unsupported.SpotCapacity");

    private AwsErrors() {
    }

    /** @param mutating the call changes something at AWS, so a lost answer may hide an action */
    static DriverException map(String what, RuntimeException e, boolean mutating) {
        return classify(what, e, mutating);
    }

    /**
     * A call that changes something, made by a client whose retries also follow lost answers
     * (5xx, time-outs): when it was tried more than once, an earlier attempt may have acted,
     * whatever the last one got. A throttled last attempt does not undo the first.
     */
    static DriverException mapRetried(String what, RuntimeException e) {
        DriverException last = classify(what, e, true);
        Integer attempts = e instanceof SdkException sdk ? sdk.numAttempts() : null;
        if (!(last instanceof OutcomeUnknownException) && attempts != null && attempts > 1) {
            return new OutcomeUnknownException(last.getMessage() + ", after " + (attempts - 1)
                    + " earlier attempt(s) whose answer may have been lost (AWS may have acted)", e);
        }
        return last;
    }

    private static DriverException classify(String what, RuntimeException e, boolean mutating) {
        if (e instanceof AwsServiceException service) {
            String code = code(service);
            String text = what + ": " + (code.isEmpty() ? "HTTP " + service.statusCode() : code) + ": " + message(service);
            if (isThrottling(service) || NOT_NOW_CODES.contains(code)) {
                return new RetryableDriverException(text, e);
            }
            if (service.statusCode() >= 500 || code.isEmpty()) {
                return unknown(text, e, mutating);
            }
            return new DriverException(text, e);
        }
        String text = what + ": " + describe(e);
        if (neverSent(e)) {
            return new RetryableDriverException(text, e);
        }
        return unknown(text, e, mutating);
    }

    private static DriverException unknown(String text, RuntimeException e, boolean mutating) {
        return mutating ? new OutcomeUnknownException(text + " (AWS may have acted)", e) : new RetryableDriverException(text, e);
    }

    /** What the SDK's retries may repeat for a call that has no idempotency token: only a throttled one. */
    static boolean isThrottling(Throwable e) {
        return e instanceof AwsServiceException s
                && (s.isThrottlingException() || s.statusCode() == 429 || THROTTLING_CODES.contains(code(s)));
    }

    static String code(RuntimeException e) {
        return e instanceof AwsServiceException s && s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null
                ? s.awsErrorDetails().errorCode() : "";
    }

    private static String message(AwsServiceException e) {
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        if (message == null || message.isBlank()) {
            message = e.getMessage();
        }
        // A load balancer's HTML page says nothing an operator needs: keep its first words only.
        String oneLine = message == null ? "no message" : message.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").trim();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }

    private static boolean neverSent(Throwable e) {
        return DriverException.neverSent(e);
    }

    private static String describe(Throwable e) {
        return DriverException.describe(e);
    }
}
