package io.pilotd.driver.aws;

import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.RetryableDriverException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns the SDK's exceptions into the contract's: throttling, 5xx and network trouble are
 * retryable (the cycle backs off); anything else is the cloud refusing, in its own words.
 */
final class AwsErrors {
    private static final Set<String> RETRYABLE_CODES = Set.of("RequestLimitExceeded", "Throttling", "ThrottlingException",
            "TooManyRequestsException", "RequestThrottled", "SlowDown", "InsufficientInstanceCapacity");

    private AwsErrors() {
    }

    static DriverException map(String what, SdkException e) {
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            String message = service.awsErrorDetails() == null || service.awsErrorDetails().errorMessage() == null
                    ? service.getMessage() : service.awsErrorDetails().errorMessage();
            String text = what + ": " + (code == null ? "" : code + ": ") + message;
            if (service.isThrottlingException() || RETRYABLE_CODES.contains(code) || service.statusCode() >= 500) {
                return new RetryableDriverException(text, e);
            }
            return new DriverException(text, e);
        }
        if (e instanceof SdkClientException) {
            return new RetryableDriverException(what + ": " + e.getMessage(), e);
        }
        return new DriverException(what + ": " + e.getMessage(), e);
    }

    static String code(SdkException e) {
        return e instanceof AwsServiceException s && s.awsErrorDetails() != null ? s.awsErrorDetails().errorCode() : "";
    }
}
