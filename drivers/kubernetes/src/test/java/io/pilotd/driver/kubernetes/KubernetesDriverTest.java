package io.pilotd.driver.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotSize;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.driver.api.RetryableDriverException;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kubernetes driver against a fake API server that misbehaves as real ones do. */
class KubernetesDriverTest {
    private static final String PROXY = "-----BEGIN CERTIFICATE-----\nnot-a-real-proxy\n-----END CERTIFICATE-----\n";

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();
    private final CloudBehaviour behaviour = new CloudBehaviour(clock, 7);
    private final FakeKubernetes cluster = new FakeKubernetes(behaviour);
    private final List<PilotDriver> drivers = new ArrayList<>();

    @AfterEach
    void stop() {
        drivers.forEach(PilotDriver::close);
        cluster.close();
    }

    private PilotDriver driver(Map<String, Object> more) throws Exception {
        return driver(more, "director-1", "k8s-q");
    }

    private PilotDriver driver(Map<String, Object> more, String directorId, String queue) throws Exception {
        Map<String, Object> parameters = new LinkedHashMap<>(Map.of("kubeconfig", cluster.kubeconfig(dir).toString(),
                "image", "registry.example.org/dirac-pilot:9", "callsPerSecond", 1000));
        parameters.putAll(more);
        PilotDriver driver = new KubernetesDriverFactory(clock).create(new DriverParameters(parameters),
                new DriverContext(directorId, queue, dir, new PilotSize(4, 8000)));
        drivers.add(driver);
        return driver;
    }

    private static PilotRequest request(int count) {
        String batchId = UUID.randomUUID().toString().replace("-", "");
        return new PilotRequest(batchId, BatchStamps.stamps(batchId, count),
                new PilotPayload(Map.of("DIRAC_SITE", "CLOUD.K8s.org"), Map.of(PilotPayload.PROXY_VARIABLE, PROXY), "", "echo boot", "echo wrap"),
                Duration.ofHours(12));
    }

    private Job job(PilotRequest request) {
        return cluster.harness().batch().v1().jobs().inNamespace(FakeKubernetes.NAMESPACE).withName(KubernetesJobs.name(request.batchId())).get();
    }

    @Test
    void aBatchOfAHundredIsOneJobAndOneSecret_andTheQueueIsReadWithOneListOfItsPods() throws Exception {
        PilotDriver driver = driver(Map.of());
        PilotRequest request = request(100);

        Map<String, String> jobRefs = driver.submit(request);
        Map<String, PilotState> states = driver.status(new ArrayList<>(jobRefs.values()));

        assertThat(jobRefs).hasSize(100);
        assertThat(cluster.calls("POST jobs")).isEqualTo(1);
        assertThat(cluster.calls("POST secrets")).isEqualTo(1);
        assertThat(cluster.calls("GET pods")).isEqualTo(1);
        assertThat(states).hasSize(100).allSatisfy((jobRef, state) -> assertThat(state.status()).isEqualTo(PilotStatus.Waiting));
        assertThat(job(request).getSpec().getCompletions()).isEqualTo(100);
    }

    @Test
    void theJobCarriesTheQueuesPlacementAndSizeAndTheProxyOnlyThroughItsOwnSecret() throws Exception {
        PilotDriver driver = driver(Map.of("serviceAccount", "pilots", "nodeSelector", Map.of("pool", "grid"),
                "tolerations", List.of("dedicated=pilots:NoSchedule", "spot:NoExecute"), "priorityClass", "pilot-low",
                "labels", Map.of("team", "lhcb")));
        PilotRequest request = request(3);
        driver.submit(request);

        Job job = job(request);
        PodSpec pod = job.getSpec().getTemplate().getSpec();
        Container pilot = pod.getContainers().get(0);
        assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
        assertThat(job.getSpec().getBackoffLimitPerIndex()).as("a failed or killed pilot is not started again").isZero();
        assertThat(job.getSpec().getMaxFailedIndexes()).as("nor does it fail its siblings").isEqualTo(3);
        assertThat(job.getSpec().getActiveDeadlineSeconds()).as("limits.maxLifetime").isEqualTo(12 * 3600L);
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(6 * 3600);
        assertThat(job.getMetadata().getLabels()).containsEntry("pilotd.io/director", "director-1")
                .containsEntry("pilotd.io/queue", "k8s-q").containsEntry("pilotd.io/batch", request.batchId()).containsEntry("team", "lhcb");
        assertThat(pod.getServiceAccountName()).isEqualTo("pilots");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
        assertThat(pod.getNodeSelector()).containsEntry("pool", "grid");
        assertThat(pod.getTolerations()).extracting(t -> t.getKey() + "/" + t.getOperator() + "/" + t.getValue() + "/" + t.getEffect())
                .containsExactly("dedicated/Equal/pilots/NoSchedule", "spot/Exists/null/NoExecute");
        assertThat(pod.getPriorityClassName()).isEqualTo("pilot-low");
        assertThat(pod.getRestartPolicy()).isEqualTo("Never");
        assertThat(pilot.getResources().getRequests()).containsEntry("cpu", new Quantity("4"))
                .containsEntry("memory", new Quantity("8000Mi"));
        assertThat(pilot.getResources().getLimits()).isEqualTo(pilot.getResources().getRequests());
        assertThat(pilot.getCommand()).isEqualTo(KubernetesJobs.COMMAND);

        EnvVar proxy = pilot.getEnv().stream().filter(e -> e.getName().equals(PilotPayload.PROXY_VARIABLE)).findFirst().orElseThrow();
        assertThat(proxy.getValue()).isNull();
        assertThat(proxy.getValueFrom().getSecretKeyRef().getName()).isEqualTo(job.getMetadata().getName());
        assertThat(job.toString()).doesNotContain("not-a-real-proxy");

        Secret secret = cluster.harness().secrets().inNamespace(FakeKubernetes.NAMESPACE).withName(job.getMetadata().getName()).get();
        assertThat(new String(Base64.getDecoder().decode(secret.getData().get(PilotPayload.PROXY_VARIABLE)), StandardCharsets.UTF_8)).isEqualTo(PROXY);
        assertThat(secret.getMetadata().getOwnerReferences()).singleElement().satisfies(owner -> {
            assertThat(owner.getKind()).isEqualTo("Job");
            assertThat(owner.getUid()).isEqualTo(job.getMetadata().getUid());
        });
    }

    @Test
    void aKilledPilotsSiblingsKeepRunning() throws Exception {
        PilotDriver driver = driver(Map.of());
        List<String> jobRefs = new ArrayList<>(driver.submit(request(3)).values());
        jobRefs.forEach(jobRef -> cluster.phase(jobRef, "Running", null, null));

        driver.kill(List.of(jobRefs.get(1)));
        Map<String, PilotState> states = driver.status(jobRefs);

        assertThat(states).doesNotContainKey(jobRefs.get(1));
        assertThat(states.get(jobRefs.get(0)).status()).isEqualTo(PilotStatus.Running);
        assertThat(states.get(jobRefs.get(2)).status()).isEqualTo(PilotStatus.Running);
        assertThat(cluster.harness().batch().v1().jobs().inNamespace(FakeKubernetes.NAMESPACE).list().getItems()).hasSize(1);
    }

    @Test
    void anUnschedulablePodWaitsOutItsGraceThenFailsWithTheSchedulersWords() throws Exception {
        PilotDriver driver = driver(Map.of("unschedulableGrace", "10m"));
        String jobRef = driver.submit(request(1)).values().iterator().next();
        cluster.unschedulable(jobRef, "0/12 nodes are available: 12 Insufficient cpu.");

        PilotState within = driver.status(List.of(jobRef)).get(jobRef);
        clock.advance(Duration.ofMinutes(11));
        PilotState after = driver.status(List.of(jobRef)).get(jobRef);

        assertThat(within.status()).isEqualTo(PilotStatus.Waiting);
        assertThat(within.reason()).isEqualTo("Unschedulable: 0/12 nodes are available: 12 Insufficient cpu.");
        assertThat(after.status()).isEqualTo(PilotStatus.Failed);
        assertThat(after.reason()).startsWith("Unschedulable: 0/12 nodes are available: 12 Insufficient cpu.").contains("more than 10 min");
    }

    @Test
    void endedPodsSayHowTheyEnded() throws Exception {
        PilotDriver driver = driver(Map.of());
        List<String> jobRefs = new ArrayList<>(driver.submit(request(3)).values());
        cluster.phase(jobRefs.get(0), "Succeeded", 0, "Completed");
        cluster.phase(jobRefs.get(1), "Failed", 137, "OOMKilled");
        cluster.deadlineExceeded(jobRefs.get(2));

        Map<String, PilotState> states = driver.status(jobRefs);

        assertThat(states.get(jobRefs.get(0))).isEqualTo(PilotState.of(PilotStatus.Done, "Succeeded (exit code 0, Completed)"));
        assertThat(states.get(jobRefs.get(1))).isEqualTo(PilotState.of(PilotStatus.Failed, "Failed (exit code 137, OOMKilled)"));
        assertThat(states.get(jobRefs.get(2))).as("never ran").isEqualTo(PilotState.of(PilotStatus.Aborted, "Failed: DeadlineExceeded"));
    }

    @Test
    void aCreateWhoseAnswerWasLostIsFoundByLookUp_whichMakesTheMissingSecret_andStartsNothingTwice() throws Exception {
        PilotDriver driver = driver(Map.of());
        PilotRequest request = request(2);
        behaviour.lostAnswers(1.0);

        assertThatThrownBy(() -> driver.submit(request)).isInstanceOf(OutcomeUnknownException.class);
        behaviour.lostAnswers(0);
        BatchLookup found = driver.lookUp(request, "director-1");

        assertThat(found.definite()).isTrue();
        assertThat(found.jobRefs()).containsOnlyKeys(request.stamps());
        assertThat(cluster.harness().batch().v1().jobs().inNamespace(FakeKubernetes.NAMESPACE).list().getItems()).hasSize(1);
        assertThat(cluster.harness().secrets().inNamespace(FakeKubernetes.NAMESPACE).withName(KubernetesJobs.name(request.batchId())).get())
                .as("made by lookUp when the submit's own create of it was lost or never sent").isNotNull();
    }

    @Test
    void aThrottledCreateWasNotCarriedOut() throws Exception {
        PilotDriver driver = driver(Map.of());
        behaviour.throttled(1.0);

        assertThatThrownBy(() -> driver.submit(request(2))).isInstanceOf(RetryableDriverException.class).hasMessageContaining("429");
        behaviour.throttled(0);
        assertThat(cluster.harness().batch().v1().jobs().inNamespace(FakeKubernetes.NAMESPACE).list().getItems()).isEmpty();
    }

    @Test
    void aForbiddenCreateIsARefusal_notSomethingToTryAgain() throws Exception {
        PilotDriver driver = driver(Map.of());
        cluster.forbid("POST jobs");

        assertThatThrownBy(() -> driver.submit(request(2))).isExactlyInstanceOf(DriverException.class)
                .hasMessageContaining("403").hasMessageContaining("pilotd cannot POST jobs");
    }

    /** The contract: a refused submission started nothing. */
    @Test
    void aRefusedSecretTakesItsJobAlong() throws Exception {
        PilotDriver driver = driver(Map.of());
        cluster.forbid("POST secrets");

        assertThatThrownBy(() -> driver.submit(request(2))).isExactlyInstanceOf(DriverException.class).hasMessageContaining("403");
        assertThat(cluster.calls("POST jobs")).isEqualTo(1);
        assertThat(cluster.harness().batch().v1().jobs().inNamespace(FakeKubernetes.NAMESPACE).list().getItems()).isEmpty();
        assertThat(cluster.harness().pods().inNamespace(FakeKubernetes.NAMESPACE).list().getItems()).isEmpty();
    }

    @Test
    void aPilotsOutputIsItsPodsLog() throws Exception {
        PilotDriver driver = driver(Map.of());
        String jobRef = driver.submit(request(1)).values().iterator().next();

        assertThat(driver.output(jobRef)).contains("output of pod " + cluster.pod(jobRef).getMetadata().getName() + "\n");
        assertThat(driver.output(FakeKubernetes.NAMESPACE + "/0123456789abcdef0123456789abcdef/0")).isEmpty();
    }

    @Test
    void aListingThatLagsLeavesNewPilotsOut_whileLookUpByNameFindsTheirJob() throws Exception {
        PilotDriver driver = driver(Map.of());
        behaviour.listingLag(Duration.ofSeconds(90));
        PilotRequest request = request(2);
        Map<String, String> jobRefs = driver.submit(request);

        assertThat(driver.status(new ArrayList<>(jobRefs.values()))).isEmpty();
        assertThat(driver.lookUp(request, "director-1").jobRefs()).isEqualTo(jobRefs);
        clock.advance(Duration.ofSeconds(91));
        assertThat(driver.status(new ArrayList<>(jobRefs.values()))).hasSize(2);
    }

    @Test
    void listOwnedFindsThisDirectorsLivePodsWithTheirStamps() throws Exception {
        PilotDriver driver = driver(Map.of());
        PilotRequest request = request(3);
        List<String> jobRefs = new ArrayList<>(driver.submit(request).values());
        cluster.phase(jobRefs.get(2), "Succeeded", 0, "Completed");

        assertThat(driver.listOwned("director-1")).extracting(o -> o.stamp() + " " + o.jobRef())
                .containsExactlyInAnyOrder(request.stamps().get(0) + " " + jobRefs.get(0), request.stamps().get(1) + " " + jobRefs.get(1));
        assertThat(driver.listOwned("another-director")).isEmpty();
    }

    @Test
    void aDirectorIdOrQueueNameThatIsNoLabelValueIsShortenedTheSameWayEachTime_andItsPilotsAreFollowed() throws Exception {
        // 64 characters, as director.id allows, or a host's full name; a queue name ending with '-'
        String directorId = "director-of-the-grid-site-of-a-long-name.cluster.example.org-001";
        String otherId = "director-of-the-grid-site-of-a-long-name.cluster.example.org-002";
        assertThat(directorId).hasSize(64);
        PilotDriver driver = driver(Map.of(), directorId, "lhcb-");
        PilotRequest request = request(2);

        List<String> jobRefs = new ArrayList<>(driver.submit(request).values());
        clock.advance(Duration.ofMinutes(5));

        Map<String, String> labels = job(request).getMetadata().getLabels();
        assertThat(labels.get(KubernetesJobs.DIRECTOR)).hasSizeLessThanOrEqualTo(63).startsWith("director-of-the-grid")
                .isNotEqualTo(LabelValue.of(otherId));
        assertThat(labels.get(KubernetesJobs.QUEUE)).matches("lhcb-[0-9a-f]{8}");
        assertThat(driver.status(jobRefs)).hasSize(2);
        assertThat(driver.listOwned(directorId)).hasSize(2);
        assertThat(driver.listOwned(otherId)).isEmpty();
    }

    @Test
    void badParametersAreNamed() {
        assertThatThrownBy(() -> driver(Map.of("image", "", "namespace", "Pilots_1", "tolerations", List.of("a:Sometimes"),
                "labels", Map.of("pilotd.io/queue", "x"), "ttlAfterFinished", "5m", "nodeSelector", Map.of("pool", "no spaces"))))
                .isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("image: must not be empty")
                .hasMessageContaining("namespace: 'Pilots_1' is not a namespace name")
                .hasMessageContaining("tolerations: 'a:Sometimes' is not key[=value][:NoSchedule|PreferNoSchedule|NoExecute]")
                .hasMessageContaining("labels: 'pilotd.io/queue' is pilotd's own label")
                .hasMessageContaining("ttlAfterFinished: must be at least 1h")
                .hasMessageContaining("nodeSelector: 'no spaces' (of pool) is not a label value");
        assertThatThrownBy(() -> driver(Map.of("context", "elsewhere"))).isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("context: 'elsewhere' is not a context of");
    }

    @Test
    void aSubmissionLargerThanAnIndexedJobIsRefusedBeforeAnyCall() throws Exception {
        PilotDriver driver = driver(Map.of());
        String batchId = UUID.randomUUID().toString().replace("-", "");
        PilotRequest tooLarge = new PilotRequest(batchId, BatchStamps.stamps(batchId, KubernetesJobs.MAX_PILOTS + 1),
                new PilotPayload(Map.of(), ""));

        assertThatThrownBy(() -> driver.submit(tooLarge)).isExactlyInstanceOf(DriverException.class).hasMessageContaining("at most 100000");
        assertThat(cluster.calls("POST jobs")).isZero();
    }
}
