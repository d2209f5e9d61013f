package io.pilotd.driver.kubernetes;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverContractTest;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.fakes.CloudBehaviour;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

class KubernetesDriverContractTest extends DriverContractTest {
    @TempDir
    Path dir;

    private FakeKubernetes cluster;
    private PilotDriver driver;

    @Override
    protected PilotDriver driver() throws Exception {
        cluster = new FakeKubernetes(CloudBehaviour.perfect());
        driver = new KubernetesDriverFactory().create(new DriverParameters(Map.of(
                        "kubeconfig", cluster.kubeconfig(dir).toString(), "image", "registry.example.org/dirac-pilot:9", "callsPerSecond", 1000)),
                new DriverContext(DIRECTOR, "contract-q", dir));
        return driver;
    }

    @Override
    protected String unknownJobRef() {
        return FakeKubernetes.NAMESPACE + "/0123456789abcdef0123456789abcdef/0";
    }

    @Override
    protected PilotPayload payload() {
        return new PilotPayload(Map.of("PILOTD_QUEUE", "contract-q"), Map.of(PilotPayload.PROXY_VARIABLE, "LS0tLS1CRUdJTi1wcm94eQ=="),
                "", "echo bootstrap", "echo wrapper");
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
