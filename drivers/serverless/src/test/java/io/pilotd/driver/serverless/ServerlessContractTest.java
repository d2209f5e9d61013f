package io.pilotd.driver.serverless;

import io.pilotd.driver.api.DriverContractTest;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.fakes.CloudBehaviour;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The driver contract, against a fake serverless endpoint with job URLs, over HTTPS. */
class ServerlessContractTest extends DriverContractTest {
    @TempDir
    Path dir;
    private ServerlessFixture fixture;

    @Override
    protected PilotDriver driver() throws Exception {
        fixture = new ServerlessFixture(dir, CloudBehaviour.perfect());
        return fixture.driver(DIRECTOR, fixture.parameters());
    }

    @Override
    protected PilotPayload payload() {
        String proxy = Base64.getEncoder().encodeToString("-----BEGIN CERTIFICATE-----\n".getBytes(StandardCharsets.US_ASCII));
        return new PilotPayload(Map.of("PILOTD_QUEUE", "contract-q"), Map.of(PilotPayload.PROXY_VARIABLE, proxy), "", "",
                "#!/bin/sh\necho wrapper\n");
    }

    @Override
    protected String unknownJobRef() {
        return fixture.endpoint.url().substring("https://".length()) + "/ffffffffffffffffffffffffffffffff";
    }

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }
}
