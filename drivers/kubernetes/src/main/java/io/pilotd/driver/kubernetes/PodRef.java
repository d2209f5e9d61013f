package io.pilotd.driver.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.pilotd.driver.api.BatchStamps;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pilot's jobRef: {@code <namespace>/<batch>/<index>}, the pod of that index of the batch's
 * Job, whatever the pod's own (random) name.
 */
record PodRef(String namespace, String batchId, int index) {
    private static final Pattern FORM = Pattern.compile("([a-z0-9-]{1,63})/([0-9a-f]{32})/([0-9]{1,6})");

    static Optional<PodRef> parse(String jobRef) {
        Matcher m = FORM.matcher(jobRef);
        return m.matches() ? Optional.of(new PodRef(m.group(1), m.group(2), Integer.parseInt(m.group(3)))) : Optional.empty();
    }

    /** The ref of a pod the Job controller made, from the labels it and pilotd gave it. */
    static Optional<PodRef> of(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        if (labels == null || labels.get(KubernetesJobs.BATCH) == null || labels.get(KubernetesJobs.INDEX) == null) {
            return Optional.empty();
        }
        return parse(pod.getMetadata().getNamespace() + "/" + labels.get(KubernetesJobs.BATCH) + "/" + labels.get(KubernetesJobs.INDEX));
    }

    String stamp() {
        return BatchStamps.stamp(batchId, index);
    }

    @Override
    public String toString() {
        return namespace + "/" + batchId + "/" + index;
    }
}
