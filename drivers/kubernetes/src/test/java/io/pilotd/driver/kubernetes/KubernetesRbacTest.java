package io.pilotd.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.fakes.CloudBehaviour;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** etc/kubernetes-rbac.yaml grants every right the driver uses, and no other. */
class KubernetesRbacTest {
    private static final Path MANIFEST = Path.of("../../etc/kubernetes-rbac.yaml");

    @TempDir
    Path dir;

    private static Set<String> granted() throws Exception {
        List<HasMetadata> objects;
        try (InputStream in = Files.newInputStream(MANIFEST)) {
            Object read = Serialization.unmarshal(in);
            // several documents: a list of them
            objects = read instanceof List<?> documents ? documents.stream().map(HasMetadata.class::cast).toList() : List.of((HasMetadata) read);
        }
        Set<String> rights = new TreeSet<>();
        objects.stream().filter(Role.class::isInstance).map(Role.class::cast).flatMap(role -> role.getRules().stream())
                .forEach(rule -> rule.getResources().forEach(resource -> rule.getVerbs().forEach(verb -> rights.add(verb + " " + resource))));
        return rights;
    }

    @Test
    void everyCallOfEveryOperationIsGrantedAndNothingElseIs() throws Exception {
        Set<String> used;
        try (FakeKubernetes cluster = new FakeKubernetes(CloudBehaviour.perfect());
             PilotDriver driver = new KubernetesDriverFactory().create(new DriverParameters(Map.of("kubeconfig",
                     cluster.kubeconfig(dir).toString(), "image", "pilot:1", "callsPerSecond", 1000)), new DriverContext("d", "q", dir))) {
            String batchId = UUID.randomUUID().toString().replace("-", "");
            PilotRequest request = new PilotRequest(batchId, BatchStamps.stamps(batchId, 2),
                    new PilotPayload(Map.of(), Map.of(PilotPayload.PROXY_VARIABLE, "proxy"), "", "boot", "wrap"));
            List<String> jobRefs = new ArrayList<>(driver.submit(request).values());
            driver.status(jobRefs);
            driver.lookUp(request, "d");
            driver.listOwned("d");
            driver.output(jobRefs.get(0));
            driver.kill(List.of(jobRefs.get(0)));
            driver.kill(jobRefs);
            used = new TreeSet<>(cluster.rightsUsed());
        }

        assertThat(used).as("the rights the driver's calls needed").contains("create jobs", "create secrets", "list pods");
        assertThat(granted()).isEqualTo(used);
    }
}
