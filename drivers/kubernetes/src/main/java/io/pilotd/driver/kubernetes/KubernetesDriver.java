package io.pilotd.driver.kubernetes;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.RetryableDriverException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pilots as the pods of Indexed Jobs ({@link KubernetesJobs}): a submission of {@code n} is one
 * Job and one Secret, whatever {@code n}; the queue's pilots are read with one list of its pods
 * by label; one pilot is killed by deleting its pod, which fails its index alone.
 *
 * <p>The Job is named after the batch, so that a create whose answer was lost is found again by
 * name ({@link #lookUp}), which also makes the Secret if it was not made.
 */
final class KubernetesDriver implements PilotDriver {
    private static final Logger log = LoggerFactory.getLogger(KubernetesDriver.class);
    /** How long after its Job's create a pod may still be missing from the listing: the Job controller makes it. */
    static final Duration CONSISTENCY_WINDOW = Duration.ofMinutes(2);

    private final KubernetesConfig config;
    private final DriverContext context;
    private final KubernetesClient client;
    private final String namespace;
    private final KubernetesCall calls;
    private final Clock clock;

    KubernetesDriver(KubernetesConfig config, DriverContext context, KubernetesClient client, String namespace,
                     KubernetesCall calls, Clock clock) {
        this.config = config;
        this.context = context;
        this.client = client;
        this.namespace = namespace;
        this.calls = calls;
        this.clock = clock;
    }

    @Override
    public Map<String, String> submit(PilotRequest request) throws DriverException {
        if (request.count() > KubernetesJobs.MAX_PILOTS) {
            throw new DriverException(request.count() + " pilots in one submission: an Indexed Job holds at most " + KubernetesJobs.MAX_PILOTS);
        }
        Job job = KubernetesJobs.job(request, context, config, namespace);
        String name = job.getMetadata().getName();
        Job created = calls.change("create Job " + name, () -> client.batch().v1().jobs().inNamespace(namespace).resource(job).create());
        if (!request.payload().secrets().isEmpty()) {
            try {
                createSecret(request, created);
            } catch (OutcomeUnknownException | RetryableDriverException e) {
                // The Job is there and its pods wait for the Secret: lookUp makes it.
                throw new OutcomeUnknownException("Job " + name + " created, its Secret not known to be: " + e.getMessage(), e);
            } catch (DriverException refused) {
                // A refused submission started nothing: the Job goes too.
                deleteJob(name, refused);
                throw refused;
            }
        }
        return jobRefs(request);
    }

    private void deleteJob(String name, DriverException why) throws OutcomeUnknownException {
        try {
            calls.change("delete Job " + name, () -> client.batch().v1().jobs().inNamespace(namespace).withName(name)
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete());
        } catch (DriverException e) {
            throw new OutcomeUnknownException("Job " + name + " created, its Secret refused (" + why.getMessage()
                    + "), and the Job not deleted: " + e.getMessage(), e);
        }
    }

    private void createSecret(PilotRequest request, Job owner) throws DriverException {
        Secret secret = KubernetesJobs.secret(request, context, config, owner);
        calls.change("create Secret " + secret.getMetadata().getName(),
                () -> client.secrets().inNamespace(namespace).resource(secret).create());
    }

    private Map<String, String> jobRefs(PilotRequest request) {
        Map<String, String> jobRefs = new LinkedHashMap<>();
        for (int i = 0; i < request.count(); i++) {
            jobRefs.put(request.stamps().get(i), new PodRef(namespace, request.batchId(), i).toString());
        }
        return jobRefs;
    }

    /** Finds the batch's Job by its name; and makes its Secret where a lost answer left none. */
    @Override
    public BatchLookup lookUp(PilotRequest request, String directorId) throws DriverException {
        String name = KubernetesJobs.name(request.batchId());
        Job job = calls.read("read Job " + name, () -> client.batch().v1().jobs().inNamespace(namespace).withName(name).get());
        if (job == null) {
            return new BatchLookup(Map.of(), false);
        }
        if (!request.payload().secrets().isEmpty()) {
            Secret secret = calls.read("read Secret " + name, () -> client.secrets().inNamespace(namespace).withName(name).get());
            if (secret == null) {
                createSecret(request, job);
            }
        }
        return new BatchLookup(jobRefs(request), true);
    }

    /** One list of the queue's pods; a pilot whose pod is not listed is left out. */
    @Override
    public Map<String, PilotState> status(List<String> jobRefs) throws DriverException {
        Map<String, Pod> pods = queuePods();
        Instant now = clock.instant();
        Map<String, PilotState> states = new LinkedHashMap<>();
        for (String jobRef : jobRefs) {
            Pod pod = pods.get(jobRef);
            if (pod != null) {
                states.put(jobRef, PodStates.of(pod, now, config.unschedulableGrace()));
            }
        }
        return states;
    }

    /** The queue's pods by jobRef; of two for one index (a deleted one still going), the newest. */
    private Map<String, Pod> queuePods() throws DriverException {
        List<Pod> listed = calls.read("list the pods of queue " + context.queue(), () -> client.pods().inNamespace(namespace)
                .withLabel(KubernetesJobs.DIRECTOR, LabelValue.of(context.directorId()))
                .withLabel(KubernetesJobs.QUEUE, LabelValue.of(context.queue()))
                .list().getItems());
        Map<String, Pod> pods = new LinkedHashMap<>();
        listed.stream().sorted(Comparator.comparing(p -> PodStates.created(p).orElse(Instant.EPOCH)))
                .forEach(pod -> PodRef.of(pod).ifPresent(ref -> pods.put(ref.toString(), pod)));
        return pods;
    }

    /**
     * Deletes each pilot's pod: its index fails alone, and is not tried again. A Job all of whose
     * pilots are killed is deleted too, so that the Job controller makes no pod for an index
     * killed before its pod existed.
     */
    @Override
    public void kill(List<String> jobRefs) throws DriverException {
        Map<String, List<PodRef>> byBatch = new LinkedHashMap<>();
        for (String jobRef : jobRefs) {
            PodRef.parse(jobRef).filter(ref -> ref.namespace().equals(namespace))
                    .ifPresent(ref -> byBatch.computeIfAbsent(ref.batchId(), b -> new ArrayList<>()).add(ref));
        }
        for (Map.Entry<String, List<PodRef>> batch : byBatch.entrySet()) {
            String name = KubernetesJobs.name(batch.getKey());
            Job job = calls.read("read Job " + name, () -> client.batch().v1().jobs().inNamespace(namespace).withName(name).get());
            if (job != null && job.getSpec().getCompletions() != null && batch.getValue().size() >= job.getSpec().getCompletions()) {
                calls.change("delete Job " + name, () -> client.batch().v1().jobs().inNamespace(namespace).withName(name)
                        .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete());
            }
            for (PodRef ref : batch.getValue()) {
                calls.change("delete the pod of " + ref, () -> client.pods().inNamespace(namespace)
                        .withLabel(KubernetesJobs.BATCH, ref.batchId()).withLabel(KubernetesJobs.INDEX, Integer.toString(ref.index()))
                        .delete());
            }
        }
    }

    @Override
    public Optional<String> output(String jobRef) throws DriverException {
        Optional<PodRef> ref = PodRef.parse(jobRef);
        if (ref.isEmpty()) {
            return Optional.empty();
        }
        List<Pod> pods = calls.read("find the pod of " + jobRef, () -> client.pods().inNamespace(namespace)
                .withLabel(KubernetesJobs.BATCH, ref.get().batchId()).withLabel(KubernetesJobs.INDEX, Integer.toString(ref.get().index()))
                .list().getItems());
        if (pods.isEmpty()) {
            return Optional.empty();
        }
        String pod = pods.get(pods.size() - 1).getMetadata().getName();
        return Optional.ofNullable(calls.read("read the log of pod " + pod,
                () -> client.pods().inNamespace(namespace).withName(pod).inContainer(KubernetesJobs.CONTAINER).getLog()));
    }

    /** The pods of this director not ended yet (pending or running), in the queue's namespace. */
    @Override
    public List<OwnedPilot> listOwned(String directorId) throws DriverException {
        List<Pod> listed = calls.read("list the pods of director " + directorId, () -> client.pods().inNamespace(namespace)
                .withLabel(KubernetesJobs.DIRECTOR, LabelValue.of(directorId)).list().getItems());
        Instant now = clock.instant();
        List<OwnedPilot> owned = new ArrayList<>();
        for (Pod pod : listed) {
            Optional<PodRef> ref = PodRef.of(pod);
            boolean live = pod.getStatus() == null || "Pending".equals(pod.getStatus().getPhase()) || "Running".equals(pod.getStatus().getPhase());
            if (ref.isPresent() && live && pod.getMetadata().getDeletionTimestamp() == null) {
                owned.add(new OwnedPilot(ref.get().stamp(), ref.get().toString(), PodStates.of(pod, now, config.unschedulableGrace()),
                        PodStates.created(pod).orElse(now)));
            }
        }
        return owned;
    }

    @Override
    public Duration consistencyWindow() {
        return CONSISTENCY_WINDOW;
    }

    @Override
    public void close() {
        client.close();
        log.debug("[{}] Kubernetes client closed", context.queue());
    }
}
