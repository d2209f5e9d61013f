package io.pilotd.driver.aws;

import io.pilotd.driver.api.DriverParameters;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;

/**
 * What both AWS drivers need to reach the account: region, credentials and the optional
 * endpoint override (an emulator, or a test's fake).
 *
 * @param profile     a named profile of ~/.aws/config; none: the SDK's default chain
 * @param roleArn     a role to assume with those credentials
 * @param apiTimeout  the longest one API call may take, retries included
 * @param maxAttempts attempts per call when AWS throttles or fails (the SDK's adaptive retry)
 */
record AwsSettings(Region region, Optional<URI> endpoint, Optional<String> profile, Optional<String> roleArn,
                   Optional<String> externalId, Duration apiTimeout, int maxAttempts) {

    static AwsSettings from(DriverParameters p) {
        String region = p.requireString("region");
        if (!region.isEmpty() && !region.matches("[a-z]{2}(-[a-z]+)+-\\d+")) {
            p.problem("region", "'" + region + "' is not an AWS region name (e.g. eu-central-1)");
        }
        Optional<URI> endpoint = p.optionalString("endpoint").flatMap(text -> {
            try {
                URI uri = new URI(text);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    p.problem("endpoint", "'" + text + "' is not an absolute URL (e.g. http://127.0.0.1:4566)");
                    return Optional.empty();
                }
                return Optional.of(uri);
            } catch (URISyntaxException e) {
                p.problem("endpoint", "'" + text + "' is not a URL: " + e.getMessage());
                return Optional.empty();
            }
        });
        Optional<String> profile = p.optionalString("profile");
        Optional<String> roleArn = p.optionalString("roleArn");
        roleArn.filter(arn -> !arn.matches("arn:aws[a-z-]*:iam::\\d{12}:role/.+"))
                .ifPresent(arn -> p.problem("roleArn", "'" + arn + "' is not an IAM role ARN (arn:aws:iam::123456789012:role/name)"));
        Optional<String> externalId = p.optionalString("externalId");
        if (externalId.isPresent() && roleArn.isEmpty()) {
            p.problem("externalId", "only goes with roleArn");
        }
        Duration apiTimeout = p.optionalDuration("apiTimeout").orElse(Duration.ofSeconds(60));
        int maxAttempts = p.optionalInt("maxAttempts", 6, 1, 20);
        return new AwsSettings(region.isEmpty() ? Region.US_EAST_1 : Region.of(region), endpoint, profile, roleArn,
                externalId, apiTimeout, maxAttempts);
    }

    /** Calls of the same account and region share their pacing. */
    String accountKey() {
        return region.id() + "|" + endpoint.map(URI::toString).orElse("") + "|" + profile.orElse("default")
                + "|" + roleArn.orElse("");
    }
}
