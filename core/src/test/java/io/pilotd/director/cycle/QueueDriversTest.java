package io.pilotd.director.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueueDriversTest {
    @Test
    void theSecretParametersADriverNamesAreMaskedWhereTheyAreLogged() {
        PilotDriverFactory factory = new PilotDriverFactory() {
            @Override
            public String name() {
                return "with-secret";
            }

            @Override
            public Set<String> secretParameters() {
                return Set.of("apiKey");
            }

            @Override
            public PilotDriver create(DriverParameters parameters, DriverContext context) {
                throw new AssertionError("not built here");
            }
        };
        assertThat(QueueDrivers.masked(Map.of("apiKey", "s3cr3t", "endpoint", "https://x"), factory))
                .containsEntry("apiKey", "***").containsEntry("endpoint", "https://x");
    }
}
