package io.pilotd.driver.openstack;

import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.RetryableDriverException;
import org.openstack4j.api.exceptions.AuthenticationException;
import org.openstack4j.api.exceptions.ResponseException;

/** What an openstack4j call that reads or deletes (never a create) throws, in the contract's terms. */
final class OpenStackErrors {
    private OpenStackErrors() {
    }

    static DriverException read(String what, RuntimeException e) {
        if (e instanceof AuthenticationException) {
            return new DriverException("Keystone refused the token for " + what + ": " + e.getMessage());
        }
        if (e instanceof ResponseException r && r.getStatus() >= 400 && r.getStatus() < 500 && r.getStatus() != 429
                && r.getStatus() != 409) {
            return new DriverException(what + " failed (" + r.getStatus() + "): " + r.getMessage());
        }
        String status = e instanceof ResponseException r && r.getStatus() > 0 ? " (" + r.getStatus() + ")" : "";
        return new RetryableDriverException(what + " failed" + status + ": " + DriverException.describe(e), e);
    }
}
