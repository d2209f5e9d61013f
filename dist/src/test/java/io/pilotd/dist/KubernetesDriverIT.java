package io.pilotd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.driver.kubernetes.FakeKubernetes;
import io.pilotd.fakes.CloudBehaviour;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubernetes driver from the distribution: loaded from lib/drivers/kubernetes with a class
 * loader of its own (fabric8's client and model are not on the core's class path), it starts
 * pilots as an Indexed Job on a fake API server through the launcher.
 */
class KubernetesDriverIT {
    @TempDir
    Path dataDir;

    @Test
    void itsLibrariesAreOffTheCoresClassPathAndItsPilotsStartAsOneJob() throws Exception {
        assertThat(Pilotd.inOwnFolder("kubernetes", "kubernetes-client-", "kubernetes-model-core-", "pilotd-driver-kubernetes-"))
                .as("its jars in lib/drivers/kubernetes and none in lib/").isTrue();

        try (FakeKubernetes cluster = new FakeKubernetes(CloudBehaviour.perfect())) {
            Path config = dataDir.resolve("pilotd.yaml");
            Files.writeString(config, """
                    director: {id: it-director}
                    pilot: {locations: [https://dirac.example.org/pilot]}
                    sites: {CLOUD.K8s.org: {}}
                    queues:
                      - name: k8s
                        site: CLOUD.K8s.org
                        ce: k8s.example.org
                        queue: pilots
                        driver: kubernetes
                        limits: {maxRunning: 10, maxWaiting: 10}
                        matching: {processors: 2, memoryMB: 4000}
                        parameters:
                          kubeconfig: %s
                          image: registry.example.org/dirac-pilot:9
                    """.formatted(cluster.kubeconfig(dataDir)));

            Pilotd.Run check = Pilotd.run(dataDir, "config", "check", config.toString());
            assertThat(check.exitCode()).as(check.err()).isZero();
            Pilotd.Run submit = Pilotd.run(dataDir, "submit", "--config", config.toString(), "--queue", "k8s", "--count", "3",
                    "--format", "csv");
            assertThat(submit.exitCode()).as(submit.err()).isZero();
            Pilotd.Run pilots = Pilotd.run(dataDir, "pilots", "--config", config.toString(), "--format", "csv");

            assertThat(pilots.out().lines().skip(1)).hasSize(3)
                    .allSatisfy(line -> assertThat(line).contains(",k8s,Submitted,").contains(FakeKubernetes.NAMESPACE + "/"));
            assertThat(cluster.calls("POST jobs")).isEqualTo(1);
            assertThat(cluster.harness().batch().v1().jobs().inNamespace(FakeKubernetes.NAMESPACE).list().getItems())
                    .singleElement().satisfies(job -> assertThat(job.getSpec().getCompletions()).isEqualTo(3));
        }
    }
}
