package io.pilotd.driver.aws;

import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code driver: ec2} parameters.
 *
 * @param image           the AMI the pilots boot
 * @param instanceProfile an IAM instance profile, by name or ARN
 * @param spot            start spot instances (terminated, never stopped, when reclaimed)
 * @param volumeSize      root volume size in GiB (none: the AMI's)
 * @param allOrNothing    start all {@code n} or none (MinCount = n), rather than as many as fit
 * @param consoleWait     how long a VM that powered itself off may take to show its pilot's exit
 *                        status on its console (EC2 posts console output late) before its pilot
 *                        is taken to have failed
 */
record Ec2Config(AwsSettings aws, String image, String instanceType, Optional<String> subnet, List<String> securityGroups,
                 Optional<String> keyName, Optional<String> instanceProfile, boolean spot, Optional<Integer> volumeSize,
                 String rootDevice, Map<String, String> tags, boolean allOrNothing, Duration consoleWait) {
    static final Duration DEFAULT_CONSOLE_WAIT = Duration.ofMinutes(10);

    static Ec2Config from(DriverParameters p) throws InvalidParametersException {
        AwsSettings aws = AwsSettings.from(p);
        String image = p.requireString("image");
        if (!image.isEmpty() && !image.matches("ami-[0-9a-f]{8,17}")) {
            p.problem("image", "'" + image + "' is not an AMI id (ami-0123456789abcdef0)");
        }
        String instanceType = p.requireString("instanceType");
        if (!instanceType.isEmpty() && !instanceType.matches("[a-z0-9-]+\\.[a-z0-9-]+")) {
            p.problem("instanceType", "'" + instanceType + "' is not an instance type (e.g. c6i.xlarge)");
        }
        Optional<String> subnet = p.optionalString("subnet");
        subnet.filter(s -> !s.matches("subnet-[0-9a-f]{8,17}"))
                .ifPresent(s -> p.problem("subnet", "'" + s + "' is not a subnet id (subnet-0123abcd)"));
        List<String> groups = p.optionalStringList("securityGroups");
        groups.stream().filter(g -> !g.matches("sg-[0-9a-f]{8,17}"))
                .forEach(g -> p.problem("securityGroups", "'" + g + "' is not a security group id (sg-0123abcd)"));
        Optional<String> keyName = p.optionalString("keyName");
        Optional<String> profile = p.optionalString("instanceProfile");
        boolean spot = p.optionalBoolean("spot", false);
        int volume = p.optionalInt("volumeSize", 0, 0, 16_384);
        String rootDevice = p.optionalString("rootDevice").orElse("/dev/xvda");
        Map<String, String> tags = Tags.check(p, "tags", p.optionalStringMap("tags"));
        p.moved("maxLifetime", "the queue's limits.maxLifetime (the VM's own power-off timer, and the director's kill)");
        boolean allOrNothing = p.optionalBoolean("allOrNothing", false);
        Duration consoleWait = p.optionalDuration("consoleWait").orElse(DEFAULT_CONSOLE_WAIT);
        p.validate();
        return new Ec2Config(aws, image, instanceType, subnet, groups, keyName, profile, spot,
                volume == 0 ? Optional.empty() : Optional.of(volume), rootDevice, tags, allOrNothing, consoleWait);
    }
}
