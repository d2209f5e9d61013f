package io.pilotd.driver.jclouds;

import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code driver: jclouds} parameters.
 *
 * @param provider       a jclouds compute provider or API id
 * @param identity       the provider's identity (a service account's e-mail, {@code project:user}...)
 * @param credential     the secret, read from {@code credentialFile}
 * @param endpoint       the provider's API endpoint, where it has no fixed one
 * @param location       a region or zone id; none: the provider's default
 * @param image          an image id
 * @param hardware       a hardware (flavor, machine type) id
 * @param parallelCreates how many pilots are created at once (one VM per create: each is told its own index)
 */
record JcloudsConfig(String provider, String identity, String credential, Optional<String> endpoint,
                     Optional<String> location, String image, String hardware, Map<String, String> overrides,
                     int parallelCreates, Duration apiTimeout) {
    /**
     * Providers whose VMs can learn their index from the metadata the driver sets, which is how
     * their pilots find their stamps; {@code stub} is jclouds' in-memory cloud.
     */
    static final Set<String> PROVIDERS = Set.of("google-compute-engine", "openstack-nova", "stub");

    @Override
    public String toString() {
        return "JcloudsConfig[provider=" + provider + ", identity=" + identity + ", location=" + location.orElse("default")
                + ", image=" + image + ", hardware=" + hardware + "]";
    }

    static JcloudsConfig from(DriverParameters p) throws InvalidParametersException {
        String provider = p.requireString("provider");
        if (!provider.isEmpty() && !PROVIDERS.contains(provider)) {
            p.problem("provider", "'" + provider + "' is not one whose VMs can learn their pilot's index from their"
                    + " metadata: use one of " + new TreeSet<>(PROVIDERS)
                    + " (or the ec2 and openstack drivers)");
        }
        String identity = p.requireString("identity");
        String credential = p.optionalSecretFile("credentialFile").orElseGet(() -> {
            if (!"stub".equals(provider)) {
                p.problem("credentialFile", "is required: a file holding the provider's credential (mode 600)");
            }
            return "";
        });
        Optional<String> endpoint = p.optionalString("endpoint");
        if ("openstack-nova".equals(provider) && endpoint.isEmpty()) {
            p.problem("endpoint", "is required by openstack-nova: its Keystone URL");
        }
        Optional<String> location = p.optionalString("location");
        String image = p.requireString("image");
        String hardware = p.requireString("hardware");
        Map<String, String> overrides = p.optionalStringMap("overrides");
        int parallel = p.optionalInt("parallelCreates", 8, 1, 64);
        Duration apiTimeout = p.optionalDuration("apiTimeout").orElse(Duration.ofSeconds(60));
        p.moved("maxLifetime", "the queue's limits.maxLifetime (the VM's own power-off timer, and the director's kill)");
        p.validate();
        return new JcloudsConfig(provider, identity, credential, endpoint, location, image, hardware, overrides, parallel,
                apiTimeout);
    }
}
