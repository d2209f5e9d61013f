package io.pilotd.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotSize;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Job and Secret the driver sends, with every placement parameter set, as the Kubernetes
 * API's schemas judge them (npm's kubernetes-models, which .ci/run installs; skipped, saying so,
 * where it or node is missing).
 */
class KubernetesSchemaTest {
    /** Where .ci/run installs kubernetes-models: $PILOTD_KUBERNETES_MODELS, else ~/.cache/pilotd/kubernetes-models. */
    private static final Path MODELS = Path.of(System.getenv().getOrDefault("PILOTD_KUBERNETES_MODELS",
            System.getProperty("user.home") + "/.cache/pilotd/kubernetes-models"));

    @TempDir
    Path dir;

    @Test
    void theRenderedJobAndSecretAreValidKubernetesObjects_andABrokenOneIsNot() throws Exception {
        boolean installed = Files.isExecutable(Path.of("/usr/bin/node")) && Files.isDirectory(MODELS.resolve("node_modules/kubernetes-models"));
        if (!installed) {
            System.err.println("SKIPPED: node, or kubernetes-models in " + MODELS + ", is not installed here (.ci/run installs both)");
        }
        assumeTrue(installed, "node or kubernetes-models is not installed");
        KubernetesConfig config = KubernetesConfig.from(new DriverParameters(Map.of("image", "registry.example.org/dirac-pilot:9",
                "serviceAccount", "pilots", "nodeSelector", Map.of("pool", "grid"),
                "tolerations", List.of("dedicated=pilots:NoSchedule", "spot:NoExecute"), "priorityClass", "pilot-low",
                "labels", Map.of("team", "lhcb"))));
        String batchId = "0123456789abcdef0123456789abcdef";
        PilotRequest request = new PilotRequest(batchId, BatchStamps.stamps(batchId, 3), new PilotPayload(Map.of("DIRAC_SITE", "CLOUD.K8s.org"),
                Map.of(PilotPayload.PROXY_VARIABLE, "proxy"), "", "echo boot", "echo wrap"), Duration.ofHours(12));
        DriverContext context = new DriverContext("director-1", "k8s-q", dir, new PilotSize(4, 8000));
        Job job = KubernetesJobs.job(request, context, config, "pilots");
        Job created = new JobBuilder(job).editMetadata().withUid("6b0e7f5e-3c51-4d6f-9a59-1f6f0c1d2e3f").endMetadata().build();
        Job broken = new JobBuilder(job).editSpec().withCompletionMode("Shuffled").endSpec().build();

        String valid = validate(List.of(job, KubernetesJobs.secret(request, context, config, created)), 0);
        String refused = validate(List.of(broken), 1);

        assertThat(valid).contains("batch/v1 Job pilotd-" + batchId + ": valid").contains("v1 Secret pilotd-" + batchId + ": valid");
        assertThat(refused).contains("completionMode must be equal to one of the allowed values");
    }

    /** What the validator says of these objects, which must end with this exit status. */
    private String validate(List<Object> objects, int status) throws Exception {
        Path json = Files.writeString(dir.resolve("objects.json"), Serialization.asJson(objects));
        Process node = new ProcessBuilder("node", Path.of("src/test/node/validate.mjs").toAbsolutePath().toString(), MODELS.toString(),
                json.toString()).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor(2, TimeUnit.MINUTES)).as("node finished").isTrue();
        assertThat(node.exitValue()).as(output).isEqualTo(status);
        return output;
    }
}
