package io.pilotd.driver.jclouds;

import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.RetryableDriverException;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.jclouds.compute.RunNodesException;
import org.jclouds.http.HttpResponseException;
import org.jclouds.rest.AuthorizationException;
import org.jclouds.rest.InsufficientResourcesException;
import org.jclouds.rest.ResourceNotFoundException;

/** What jclouds throws, in the contract's terms. */
final class JcloudsErrors {
    private JcloudsErrors() {
    }

    /** A create: refused before anything was made, or of unknown outcome. */
    static DriverException ofCreate(Throwable e) {
        if (e instanceof DriverException d) {
            return d;
        }
        Throwable cause = e;
        if (e instanceof RunNodesException run) {
            List<Throwable> errors = new ArrayList<>(run.getExecutionErrors().values());
            errors.addAll(run.getNodeErrors().values());
            cause = errors.isEmpty() ? e : errors.get(0);
        }
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof NoSuchElementException || t instanceof ResourceNotFoundException) {
                return new DriverException("the image or hardware does not exist: " + t.getMessage());
            }
            if (t instanceof AuthorizationException) {
                return new DriverException("the provider refused the credentials: " + t.getMessage());
            }
            if (t instanceof InsufficientResourcesException) {
                return new DriverException("the provider refused the create, a quota or its capacity: " + t.getMessage());
            }
            if (t instanceof IllegalArgumentException) {
                return new DriverException("the provider refused the create: " + t.getMessage());
            }
            if (t instanceof HttpResponseException http && http.getResponse() != null) {
                int status = http.getResponse().getStatusCode();
                if (status == 409 || status == 429) {
                    return new RetryableDriverException("the provider did not take the create now (" + status + "): "
                            + t.getMessage(), t);
                }
                if (status >= 400 && status < 500) {
                    return new DriverException("the provider refused the create (" + status + "): " + t.getMessage());
                }
            }
        }
        return new OutcomeUnknownException("the create's answer was lost: " + cause, cause);
    }

    /** A call that reads (or destroys, which may be repeated): never a refusal but for credentials. */
    static DriverException ofRead(String what, RuntimeException e) {
        if (e instanceof AuthorizationException) {
            return new DriverException(what + ": the provider refused the credentials: " + e.getMessage());
        }
        return new RetryableDriverException(what + " failed: " + DriverException.describe(e), e);
    }
}
