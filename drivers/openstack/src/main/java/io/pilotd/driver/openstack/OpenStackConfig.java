package io.pilotd.driver.openstack;

import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code driver: openstack} parameters. Image, flavor and networks are names or ids, resolved
 * against the cloud once, at the first submission.
 *
 * @param networks        networks to attach, by name or id; {@code [none]}: none, {@code []}: Nova's choice (auto)
 * @param multiCreate     one POST for the whole batch (Nova's min_count/max_count); false for a
 *                        cloud whose policy forbids it: one create per pilot, {@code parallelCreates} at a time
 * @param allOrNothing    start all {@code n} or none, rather than as many as the quota admits (Nova's refusal says how many)
 * @param apiTimeout      the longest one API call may take
 * @param listWait        how long a submission waits for Nova to list the servers it created
 *                        (to learn their ids) before it leaves them to the look-up
 * @param callsPerSecond  the pace of Nova's calls, per cloud, region and project (twice as many at
 *                        once): clouds set their own rate limits in front of Nova and do not publish them
 */
record OpenStackConfig(KeystoneCredentials credentials, String image, String flavor, List<String> networks,
                       Optional<String> keyName, List<String> securityGroups, Optional<String> availabilityZone,
                       Map<String, String> metadata, boolean multiCreate, int parallelCreates, boolean allOrNothing,
                       Duration apiTimeout, Duration listWait, int callsPerSecond) {
    /** Nova's limits on a metadata item. */
    private static final int METADATA_KEY = 255;
    private static final int METADATA_VALUE = 255;

    static OpenStackConfig from(DriverParameters p, Map<String, String> env, Path home, Path workDir)
            throws InvalidParametersException {
        KeystoneCredentials credentials = KeystoneCredentials.from(p, env, home, workDir);
        String image = p.requireString("image");
        String flavor = p.requireString("flavor");
        List<String> networks = p.optionalStringList("networks");
        if (networks.contains("none") && networks.size() > 1) {
            p.problem("networks", "none goes alone: no network at all");
        }
        Optional<String> keyName = p.optionalString("keyName");
        List<String> groups = p.optionalStringList("securityGroups");
        Optional<String> zone = p.optionalString("availabilityZone");
        Map<String, String> metadata = p.optionalStringMap("metadata");
        metadata.forEach((key, value) -> {
            if (key.startsWith(ServerNames.METADATA_PREFIX)) {
                p.problem("metadata." + key, "the prefix " + ServerNames.METADATA_PREFIX + " is pilotd's own");
            } else if (key.length() > METADATA_KEY || value.length() > METADATA_VALUE) {
                p.problem("metadata." + key, "Nova allows keys and values of 255 characters at most");
            }
        });
        boolean multiCreate = p.optionalBoolean("multiCreate", true);
        int parallel = p.optionalInt("parallelCreates", 8, 1, 64);
        boolean allOrNothing = p.optionalBoolean("allOrNothing", false);
        Duration apiTimeout = p.optionalDuration("apiTimeout").orElse(Duration.ofSeconds(60));
        Duration listWait = p.optionalDuration("listWait").orElse(Duration.ofSeconds(30));
        int callsPerSecond = p.optionalInt("callsPerSecond", 10, 1, 100_000);
        p.moved("maxLifetime", "the queue's limits.maxLifetime (the VM's own power-off timer, and the director's kill)");
        p.validate();
        return new OpenStackConfig(credentials, image, flavor, networks, keyName, groups, zone, metadata, multiCreate,
                parallel, allOrNothing, apiTimeout, listWait, callsPerSecond);
    }
}
