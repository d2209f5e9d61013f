package io.pilotd.driver.jclouds;

import io.pilotd.driver.api.DriverException;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import org.jclouds.compute.options.TemplateOptions;

/**
 * How a provider takes a VM's user-data. Google Compute Engine reads it from the instance
 * metadata key {@code user-data} (as cloud-init does there); the others that take it at all have
 * a {@code userData(byte[])} option of their own (Nova's, EC2's), called by name so that this
 * module needs no provider at compile time; jclouds' stub keeps it in the metadata too.
 */
final class UserData {
    /** GCE's limit on one metadata value. */
    static final int GCE_LIMIT = 256 * 1024;

    private final String provider;

    private UserData(String provider) {
        this.provider = provider;
    }

    static UserData of(String provider) {
        return new UserData(provider);
    }

    void set(TemplateOptions options, String text) throws DriverException {
        if (text.isEmpty()) {
            return;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (provider.equals("google-compute-engine") || provider.equals("stub")) {
            if (bytes.length > GCE_LIMIT) {
                throw new DriverException("the user-data is " + bytes.length + " bytes, over the " + GCE_LIMIT
                        + "-byte limit of a metadata value");
            }
            options.userMetadata("user-data", text);
            return;
        }
        try {
            options.getClass().getMethod("userData", byte[].class).invoke(options, (Object) bytes);
        } catch (NoSuchMethodException e) {
            throw new DriverException("jclouds provider " + provider + " takes no user-data: its VMs could not run a pilot");
        } catch (IllegalAccessException e) {
            throw new DriverException("jclouds provider " + provider + "'s user-data option cannot be called: " + e);
        } catch (InvocationTargetException e) {
            throw new DriverException("jclouds provider " + provider + " refused the user-data: "
                    + e.getCause().getMessage());
        }
    }
}
