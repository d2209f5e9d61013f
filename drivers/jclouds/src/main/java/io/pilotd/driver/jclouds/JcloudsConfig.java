package io.pilotd.driver.jclouds;

import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jclouds.Constants;

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
 * @param keystone       openstack-nova's Keystone settings, as jclouds properties (none for another provider)
 * @param securityGroups existing security groups the nodes join (none: the provider's default)
 * @param inboundPorts   ports jclouds opens in a security group of its own ({@code jclouds-<group>}),
 *                       which it removes with the group's last node; none: jclouds creates none
 * @param callsPerSecond the pace of the driver's operations on the provider (four times as many at once)
 */
record JcloudsConfig(String provider, String identity, String credential, Optional<String> endpoint,
                     Optional<String> location, String image, String hardware, Map<String, String> overrides,
                     int parallelCreates, Duration apiTimeout, Map<String, String> keystone, List<String> securityGroups,
                     List<Integer> inboundPorts, int callsPerSecond) {
    static final String NOVA = "openstack-nova";
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
        if (NOVA.equals(provider) && endpoint.isEmpty()) {
            p.problem("endpoint", "is required by openstack-nova: its Keystone URL");
        }
        Map<String, String> keystone = keystone(p, provider, identity, endpoint);
        Optional<String> location = p.optionalString("location");
        String image = p.requireString("image");
        String hardware = p.requireString("hardware");
        Map<String, String> overrides = p.optionalStringMap("overrides");
        overrides.keySet().stream().filter(key -> key.startsWith("jclouds.keystone.")).findFirst().ifPresent(key ->
                p.problem("overrides", "'" + key + "' is set by keystoneVersion, project and projectDomain: give those"));
        if (overrides.containsKey(Constants.PROPERTY_MAX_RETRIES)) {
            p.problem("overrides", "'" + Constants.PROPERTY_MAX_RETRIES + "' is 0 in pilotd: jclouds re-sending a create"
                    + " whose answer was lost would start a second VM for one pilot; the director re-sends after a look-up");
        }
        int parallel = p.optionalInt("parallelCreates", 8, 1, 64);
        Duration apiTimeout = p.optionalDuration("apiTimeout").orElse(Duration.ofSeconds(60));
        int callsPerSecond = p.optionalInt("callsPerSecond", 5, 1, 100_000);
        List<String> securityGroups = p.optionalStringList("securityGroups");
        List<Integer> inboundPorts = new ArrayList<>();
        for (String port : p.optionalStringList("inboundPorts")) {
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65_535) {
                p.problem("inboundPorts", "'" + port + "' is not a port (1 to 65535)");
            } else {
                inboundPorts.add(Integer.parseInt(port));
            }
        }
        if (!securityGroups.isEmpty() && !inboundPorts.isEmpty()) {
            p.problem("inboundPorts", "applies without securityGroups only: jclouds opens them in a group of its own");
        }
        p.moved("maxLifetime", "the queue's limits.maxLifetime (the VM's own power-off timer, and the director's kill)");
        p.validate();
        return new JcloudsConfig(provider, identity, credential, endpoint, location, image, hardware, overrides, parallel,
                apiTimeout, keystone, securityGroups, List.copyOf(inboundPorts), callsPerSecond);
    }

    /**
     * openstack-nova's Keystone, as jclouds wants it: v3 by default, the identity {@code
     * <user domain>:<user>}, the token scoped to {@code project} of {@code projectDomain}; v2 with
     * the identity {@code <tenant>:<user>}. The endpoint is Keystone's versioned URL.
     */
    private static Map<String, String> keystone(DriverParameters p, String provider, String identity,
                                                Optional<String> endpoint) {
        Optional<String> version = p.optionalString("keystoneVersion");
        Optional<String> project = p.optionalString("project");
        Optional<String> projectDomain = p.optionalString("projectDomain");
        if (!NOVA.equals(provider)) {
            Map<String, Optional<String>> given = new LinkedHashMap<>();
            given.put("keystoneVersion", version);
            given.put("project", project);
            given.put("projectDomain", projectDomain);
            given.forEach((key, value) -> value.ifPresent(v -> p.problem(key, "applies to openstack-nova only")));
            return Map.of();
        }
        String v = version.orElse("3");
        Map<String, String> keystone = new LinkedHashMap<>();
        keystone.put("jclouds.keystone.version", v);
        if (v.equals("3")) {
            if (!identity.isEmpty() && !identity.contains(":")) {
                p.problem("identity", "'" + identity + "' is no Keystone v3 identity: give <user domain>:<user>, e.g. Default:"
                        + identity);
            }
            if (project.isEmpty()) {
                p.problem("project", "is required by openstack-nova with Keystone v3: the project the token is scoped to");
            }
            project.ifPresent(name -> keystone.put("jclouds.keystone.scope", "project:" + name));
            keystone.put("jclouds.keystone.project-domain-name", projectDomain.orElse("Default"));
            endpoint.filter(url -> !url.replaceAll("/+$", "").endsWith("/v3")).ifPresent(url ->
                    p.problem("endpoint", "'" + url + "' is not Keystone's v3 URL (https://keystone.example.org:5000/v3)"));
        } else if (v.equals("2")) {
            if (project.isPresent() || projectDomain.isPresent()) {
                p.problem("project", "applies to Keystone v3 only: with v2 the identity is <tenant>:<user>");
            }
            endpoint.filter(url -> !url.replaceAll("/+$", "").endsWith("/v2.0")).ifPresent(url ->
                    p.problem("endpoint", "'" + url + "' is not Keystone's v2.0 URL (https://keystone.example.org:5000/v2.0)"));
        } else {
            p.problem("keystoneVersion", "'" + v + "' is not a Keystone version (2 or 3)");
        }
        return keystone;
    }
}
