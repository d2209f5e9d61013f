package io.pilotd.driver.aws;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverContractTest;
import io.pilotd.fakes.FakeAws;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** What the AWS drivers' tests share: a fresh fake AWS per test, credentials, parameters. */
abstract class AwsDriverTest extends DriverContractTest {
    protected FakeAws fake;

    @BeforeEach
    void startFake() throws Exception {
        fake = new FakeAws();
    }

    @AfterEach
    void stopFake() {
        fake.close();
    }

    /** Credentials for the SDK's default chain (its system-property provider comes first). */
    @BeforeAll
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
