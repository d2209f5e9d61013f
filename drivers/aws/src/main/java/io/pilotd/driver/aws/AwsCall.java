package io.pilotd.driver.aws;

import io.pilotd.driver.api.DriverException;
import java.util.function.Supplier;

/** One SDK call, with whatever it throws classified ({@link AwsErrors}): nothing else leaves the driver. */
final class AwsCall {
    private AwsCall() {
    }

    /** A call that only reads: a lost answer is "no answer". */
    static <T> T read(String what, Supplier<T> call) throws DriverException {
        return run(what, call, false);
    }

    /**
     * A call that changes something, by a client that retries lost answers too: a lost answer,
     * this attempt's or an earlier one's, may hide an action.
     */
    static <T> T change(String what, Supplier<T> call) throws DriverException {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw AwsErrors.mapRetried(what, e);
        }
    }

    /** A call that changes something, by a client that retries only throttled attempts (which did nothing). */
    static <T> T changeRetriedWhenThrottled(String what, Supplier<T> call) throws DriverException {
        return run(what, call, true);
    }

    private static <T> T run(String what, Supplier<T> call, boolean mutating) throws DriverException {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw AwsErrors.map(what, e, mutating);
        }
    }
}
