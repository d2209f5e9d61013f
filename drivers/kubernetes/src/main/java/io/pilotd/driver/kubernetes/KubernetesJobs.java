package io.pilotd.driver.kubernetes;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * What one submission creates: an Indexed Job of {@code n} completions, whose pod of index
 * {@code i} is the pilot of stamp {@code BatchStamps.stamp(batch, i)} (the container bootstrap
 * derives it from {@code JOB_COMPLETION_INDEX}, as a Batch array child does from its index), and
 * a Secret of the payload's secrets (the proxy) that the Job owns, so that it goes with the Job.
 * A failed or deleted pod is not retried ({@code backoffLimitPerIndex: 0}) and fails only its own
 * index ({@code maxFailedIndexes: n}): one pilot killed leaves its siblings running.
 */
final class KubernetesJobs {
    static final String LABEL_PREFIX = "pilotd.io/";
    static final String DIRECTOR = LABEL_PREFIX + "director";
    static final String QUEUE = LABEL_PREFIX + "queue";
    static final String BATCH = LABEL_PREFIX + "batch";
    /** Set by the Job controller on each pod of an Indexed Job. */
    static final String INDEX = "batch.kubernetes.io/job-completion-index";
    static final String CONTAINER = "pilot";
    /** The container bootstrap, as the aws-batch job definition runs it. */
    static final List<String> COMMAND = List.of("/bin/sh", "-c", "echo \"$PILOTD_BOOTSTRAP\" | base64 -d | gunzip | sh");
    /** An Indexed Job's most completions. */
    static final int MAX_PILOTS = 100_000;

    private KubernetesJobs() {
    }

    /** The Job's name: the batch's, so that a lost answer is looked up by name. */
    static String name(String batchId) {
        return "pilotd-" + batchId;
    }

    static Map<String, String> labels(DriverContext context, String batchId, KubernetesConfig config) {
        Map<String, String> labels = new LinkedHashMap<>(config.labels());
        labels.put(DIRECTOR, LabelValue.of(context.directorId()));
        labels.put(QUEUE, LabelValue.of(context.queue()));
        labels.put(BATCH, batchId);
        return labels;
    }

    static Job job(PilotRequest request, DriverContext context, KubernetesConfig config, String namespace) {
        int n = request.count();
        String name = name(request.batchId());
        Map<String, String> labels = labels(context, request.batchId(), config);
        ResourceRequirementsBuilder resources = new ResourceRequirementsBuilder()
                .addToRequests("cpu", new Quantity(Integer.toString(context.pilotSize().processors())))
                .addToLimits("cpu", new Quantity(Integer.toString(context.pilotSize().processors())));
        context.pilotSize().memory().ifPresent(mb -> resources
                .addToRequests("memory", new Quantity(mb + "Mi"))
                .addToLimits("memory", new Quantity(mb + "Mi")));
        return new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec()
                    .withCompletionMode("Indexed").withCompletions(n).withParallelism(n)
                    .withBackoffLimitPerIndex(0).withMaxFailedIndexes(n)
                    .withActiveDeadlineSeconds(Math.max(60, request.maxLifetime().toSeconds()))
                    .withTtlSecondsAfterFinished((int) config.ttlAfterFinished().toSeconds())
                    .withNewTemplate()
                        .withNewMetadata().withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withRestartPolicy("Never")
                            .withServiceAccountName(config.serviceAccount().orElse(null))
                            // a pilot runs other people's jobs: no token of the cluster's API in it
                            .withAutomountServiceAccountToken(false)
                            .withNodeSelector(config.nodeSelector().isEmpty() ? null : config.nodeSelector())
                            .withTolerations(config.tolerations())
                            .withPriorityClassName(config.priorityClass().orElse(null))
                            .addNewContainer()
                                .withName(CONTAINER).withImage(config.image()).withCommand(COMMAND)
                                .withEnv(environment(request, name))
                                .withResources(resources.build())
                                .withNewSecurityContext().withAllowPrivilegeEscalation(false).endSecurityContext()
                            .endContainer()
                        .endSpec()
                    .endTemplate()
                .endSpec()
                .build();
    }

    /** The payload's secrets (the proxy), owned by the Job: deleted with it. */
    static Secret secret(PilotRequest request, DriverContext context, KubernetesConfig config, Job created) {
        Map<String, String> data = new LinkedHashMap<>();
        request.payload().secrets().forEach((key, value) ->
                data.put(key, Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8))));
        return new SecretBuilder()
                .withNewMetadata().withName(created.getMetadata().getName()).withNamespace(created.getMetadata().getNamespace())
                    .withLabels(labels(context, request.batchId(), config))
                    .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion("batch/v1").withKind("Job")
                            .withName(created.getMetadata().getName()).withUid(created.getMetadata().getUid()).build())
                .endMetadata()
                .withType("Opaque")
                .withData(data)
                .withImmutable(true)
                .build();
    }

    /**
     * The payload's environment in the pod spec; its secrets by reference to the Secret only,
     * never their values; the wrapper and the bootstrap gzipped, as for aws-batch.
     */
    private static List<EnvVar> environment(PilotRequest request, String secretName) {
        List<EnvVar> env = new ArrayList<>();
        PilotPayload payload = request.payload();
        payload.environment().forEach((key, value) -> env.add(new EnvVar(key, value, null)));
        env.add(new EnvVar("PILOTD_BATCH", request.batchId(), null));
        env.add(new EnvVar("PILOTD_STAMP_OFFSET", "0", null));
        if (!payload.wrapper().isEmpty()) {
            env.add(new EnvVar(PilotPayload.WRAPPER_VARIABLE, gzipBase64(payload.wrapper()), null));
        }
        if (!payload.bootstrap().isEmpty()) {
            env.add(new EnvVar("PILOTD_BOOTSTRAP", gzipBase64(payload.bootstrap()), null));
        }
        payload.secrets().keySet().forEach(key -> env.add(new EnvVarBuilder().withName(key)
                .withNewValueFrom().withNewSecretKeyRef(key, secretName, false).endValueFrom().build()));
        return env;
    }

    private static String gzipBase64(String text) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            gzip.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
}
