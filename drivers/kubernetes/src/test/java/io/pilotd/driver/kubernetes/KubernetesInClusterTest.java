package io.pilotd.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotSize;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pilotd in a pod of the cluster it submits to, with no kubeconfig: the client finds the API at
 * {@code KUBERNETES_SERVICE_HOST:PORT} over TLS, trusts the service account's CA, authenticates
 * with its token, and takes its namespace. Kubernetes mounts those three files under
 * {@code /var/run/secrets/kubernetes.io/serviceaccount}; the client's system properties point it
 * at the test's own, and are put back after (the module's tests run one class at a time per JVM).
 */
class KubernetesInClusterTest {
    private static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.service-account-token-of-pilotd";
    private static final String[] PROPERTIES = {Config.KUBERNETES_SERVICE_HOST_PROPERTY, Config.KUBERNETES_SERVICE_PORT_PROPERTY,
        Config.KUBERNETES_CA_CERTIFICATE_FILE_SYSTEM_PROPERTY, Config.KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN_FILE_SYSTEM_PROPERTY,
        Config.KUBERNETES_NAMESPACE_FILE, Config.KUBERNETES_KUBECONFIG_FILE};

    @TempDir
    Path dir;

    private final FakeKubernetes cluster = new FakeKubernetes(new CloudBehaviour(new FakeClock(), 3), true);
    private final Map<String, String> saved = new LinkedHashMap<>();

    @BeforeEach
    void serviceAccount() throws Exception {
        for (String property : PROPERTIES) {
            saved.put(property, System.getProperty(property));
        }
        Path token = Files.writeString(dir.resolve("token"), TOKEN);
        Path namespace = Files.writeString(dir.resolve("namespace"), FakeKubernetes.NAMESPACE);
        System.setProperty(Config.KUBERNETES_SERVICE_HOST_PROPERTY, "127.0.0.1");
        System.setProperty(Config.KUBERNETES_SERVICE_PORT_PROPERTY, Integer.toString(cluster.port()));
        System.setProperty(Config.KUBERNETES_CA_CERTIFICATE_FILE_SYSTEM_PROPERTY, cluster.certificate().toString());
        System.setProperty(Config.KUBERNETES_AUTH_SERVICEACCOUNT_TOKEN_FILE_SYSTEM_PROPERTY, token.toString());
        System.setProperty(Config.KUBERNETES_NAMESPACE_FILE, namespace.toString());
        // no kubeconfig on this "pod" (whatever the machine running the test has in ~/.kube)
        System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, dir.resolve("no-kubeconfig").toString());
    }

    @AfterEach
    void putBack() {
        saved.forEach((property, value) -> {
            if (value == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, value);
            }
        });
        cluster.close();
    }

    @Test
    void withNoKubeconfigTheDriverUsesThePodsServiceAccount_itsTokenItsCaAndItsNamespace() throws Exception {
        PilotDriver driver = new KubernetesDriverFactory().create(new DriverParameters(Map.of("image", "registry.example.org/dirac-pilot:9")),
                new DriverContext("director-1", "k8s-q", dir, PilotSize.ONE_CORE));
        try {
            String batchId = UUID.randomUUID().toString().replace("-", "");
            PilotRequest request = new PilotRequest(batchId, BatchStamps.stamps(batchId, 2),
                    new PilotPayload(Map.of(), Map.of(), "", "echo boot", ""), Duration.ofHours(1));

            Map<String, String> jobRefs = driver.submit(request);

            assertThat(jobRefs.values()).allSatisfy(jobRef -> assertThat(jobRef).startsWith(FakeKubernetes.NAMESPACE + "/"));
            assertThat(cluster.harness().batch().v1().jobs().inNamespace(FakeKubernetes.NAMESPACE)
                    .withName(KubernetesJobs.name(batchId)).get()).as("the Job, in the service account's namespace").isNotNull();
            assertThat(driver.status(jobRefs.values().stream().toList()).values())
                    .allSatisfy(state -> assertThat(state.status()).isEqualTo(PilotStatus.Waiting));
            assertThat(cluster.authorizations()).containsExactly("Bearer " + TOKEN);
        } finally {
            driver.close();
        }
    }
}
