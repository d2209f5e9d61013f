package io.pilotd.driver.local;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverContractTest;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.PilotDriver;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;

class LocalDriverContractTest extends DriverContractTest {
    @TempDir
    Path workDir;

    @Override
    protected PilotDriver driver() throws Exception {
        return new LocalDriverFactory().create(new DriverParameters(Map.of("command", List.of("/bin/sh", "-c", "sleep 3"))),
                new DriverContext(DIRECTOR, "contract-q", workDir));
    }

    @Override
    protected String unknownJobRef() {
        return "local://localhost/ffffffffffffffffffffffffffffffff";
    }
}
