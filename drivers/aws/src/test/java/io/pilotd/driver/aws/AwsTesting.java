package io.pilotd.driver.aws;

import io.pilotd.driver.api.DriverContext;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parameters and context the AWS drivers' tests share. */
final class AwsTesting {
    private AwsTesting() {
    }

    /** Credentials for the SDK's default chain (its system-property provider comes first). */
    static void credentials() {
        System.setProperty("aws.accessKeyId", "AKIAPILOTDTEST000000");
        System.setProperty("aws.secretAccessKey", "pilotd-test-secret");
        System.setProperty("aws.disableEc2Metadata", "true");
    }

    static Map<String, Object> aws(FakeAws fake) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("region", "eu-central-1");
        p.put("endpoint", fake.endpoint().toString());
        p.put("maxAttempts", 4);
        p.put("apiTimeout", "20s");
        return p;
    }

    static DriverContext context(String directorId) {
        return new DriverContext(directorId, "contract-q", Path.of("unused"));
    }
}
