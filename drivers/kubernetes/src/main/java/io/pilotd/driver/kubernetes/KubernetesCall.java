package io.pilotd.driver.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.Pace;
import io.pilotd.driver.api.RetryableDriverException;

/**
 * One call to the cluster's API, paced, with its failure said in the contract's words. A call
 * that changes something: refused for good (400, 401, 403, 404, 422), not carried out (429, the
 * API's throttling; 409, a conflict) or of unknown outcome (5xx, a time-out, a cut connection:
 * the API server may have acted). A read: refused, or to be tried again.
 */
final class KubernetesCall {
    interface Call<T> {
        T run();
    }

    private final Pace pace;

    KubernetesCall(Pace pace) {
        this.pace = pace;
    }

    <T> T read(String what, Call<T> call) throws DriverException {
        pace.takeFor(what);
        try {
            return call.run();
        } catch (KubernetesClientException e) {
            if (refused(e.getCode())) {
                throw new DriverException(what + " refused: " + words(e), e);
            }
            throw new RetryableDriverException(what + " failed: " + words(e), e);
        }
    }

    <T> T change(String what, Call<T> call) throws DriverException {
        pace.takeFor(what);
        try {
            return call.run();
        } catch (KubernetesClientException e) {
            int code = e.getCode();
            if (refused(code)) {
                throw new DriverException(what + " refused: " + words(e), e);
            }
            if (code == 429 || code == 409 || DriverException.neverSent(e)) {
                throw new RetryableDriverException(what + " not carried out: " + words(e), e);
            }
            throw new OutcomeUnknownException(what + ": no answer (" + words(e) + "); the cluster may have acted", e);
        }
    }

    private static boolean refused(int code) {
        return code == 400 || code == 401 || code == 403 || code == 404 || code == 405 || code == 422;
    }

    /** The API's own message (its Status), else what the exception says. */
    private static String words(KubernetesClientException e) {
        if (e.getStatus() != null && e.getStatus().getMessage() != null) {
            return (e.getCode() > 0 ? e.getCode() + " " : "") + e.getStatus().getMessage();
        }
        return DriverException.describe(e);
    }
}
