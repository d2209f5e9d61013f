package io.pilotd.driver.kubernetes;

import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code kubernetes} queue's parameters.
 *
 * @param kubeconfig         the kubeconfig file; none: {@code $KUBECONFIG}, {@code ~/.kube/config},
 *                           else the service account of the pod pilotd runs in
 * @param context            the kubeconfig's context; none: its current one
 * @param namespace          where the Jobs go; none: the context's, else {@code default}
 * @param image              the pilots' container image, which runs the container bootstrap
 * @param serviceAccount     the pods' service account; none: the namespace's default, whose
 *                           token is never mounted (a pilot runs users' jobs)
 * @param nodeSelector       node labels the pods need
 * @param tolerations        taints the pods tolerate, as kubectl spells them ({@code key=value:Effect})
 * @param priorityClass      the pods' priority class
 * @param labels             more labels for the Jobs and their pods
 * @param ttlAfterFinished   how long an ended Job and its pods stay for the director to read
 * @param unschedulableGrace how long a pod may stay unschedulable, or fail to pull its image,
 *                           before its pilot counts as Failed
 * @param callsPerSecond     the pace of API calls (twice as many at once)
 */
record KubernetesConfig(Optional<Path> kubeconfig, Optional<String> context, Optional<String> namespace, String image,
                        Optional<String> serviceAccount, Map<String, String> nodeSelector, List<Toleration> tolerations,
                        Optional<String> priorityClass, Map<String, String> labels, Duration ttlAfterFinished,
                        Duration unschedulableGrace, int callsPerSecond) {
    /** A DNS-1123 label: a namespace's, a service account's, a priority class's name. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    /** A label key (an optional DNS prefix and a name) and a label value, as the API checks them. */
    private static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");
    /** kubectl's toleration: key[=value][:Effect], or key:Effect for Exists. */
    private static final Pattern TOLERATION = Pattern.compile("([^=:]+)(?:=([^:]*))?(?::(NoSchedule|PreferNoSchedule|NoExecute))?");

    static KubernetesConfig from(DriverParameters p) throws InvalidParametersException {
        Optional<Path> kubeconfig = p.optionalString("kubeconfig").map(Path::of);
        kubeconfig.filter(file -> !Files.isReadable(file))
                .ifPresent(file -> p.problem("kubeconfig", "'" + file + "' cannot be read"));
        Optional<String> context = p.optionalString("context");
        Optional<String> namespace = p.optionalString("namespace");
        namespace.filter(n -> !NAME.matcher(n).matches())
                .ifPresent(n -> p.problem("namespace", "'" + n + "' is not a namespace name (lower-case letters, digits and '-', at most 63)"));
        String image = p.requireString("image");
        Optional<String> serviceAccount = p.optionalString("serviceAccount");
        serviceAccount.filter(n -> !NAME.matcher(n).matches())
                .ifPresent(n -> p.problem("serviceAccount", "'" + n + "' is not a service account name"));
        Map<String, String> nodeSelector = p.optionalStringMap("nodeSelector");
        labelsValid(p, "nodeSelector", nodeSelector);
        List<Toleration> tolerations = new ArrayList<>();
        for (String spelled : p.optionalStringList("tolerations")) {
            Matcher m = TOLERATION.matcher(spelled);
            if (!m.matches()) {
                p.problem("tolerations", "'" + spelled + "' is not key[=value][:NoSchedule|PreferNoSchedule|NoExecute]");
                continue;
            }
            tolerations.add(new TolerationBuilder().withKey(m.group(1)).withOperator(m.group(2) == null ? "Exists" : "Equal")
                    .withValue(m.group(2)).withEffect(m.group(3)).build());
        }
        Optional<String> priorityClass = p.optionalString("priorityClass");
        Map<String, String> labels = p.optionalStringMap("labels");
        labelsValid(p, "labels", labels);
        labels.keySet().stream().filter(key -> key.startsWith(KubernetesJobs.LABEL_PREFIX))
                .forEach(key -> p.problem("labels", "'" + key + "' is pilotd's own label"));
        Duration ttl = p.optionalDuration("ttlAfterFinished").orElse(Duration.ofHours(6));
        if (ttl.compareTo(Duration.ofHours(1)) < 0) {
            p.problem("ttlAfterFinished", "must be at least 1h: the director must read an ended pilot's state before it goes");
        }
        Duration grace = p.optionalDuration("unschedulableGrace").orElse(Duration.ofMinutes(10));
        if (grace.isNegative()) {
            p.problem("unschedulableGrace", "must not be negative");
        }
        int callsPerSecond = p.optionalInt("callsPerSecond", 10, 1, 10_000);
        p.validate();
        return new KubernetesConfig(kubeconfig, context, namespace, image, serviceAccount, nodeSelector, List.copyOf(tolerations),
                priorityClass, labels, ttl, grace, callsPerSecond);
    }

    private static void labelsValid(DriverParameters p, String parameter, Map<String, String> labels) {
        labels.forEach((key, value) -> {
            if (!LABEL_KEY.matcher(key).matches()) {
                p.problem(parameter, "'" + key + "' is not a label key");
            }
            if (!LABEL_VALUE.matcher(value).matches()) {
                p.problem(parameter, "'" + value + "' (of " + key + ") is not a label value (at most 63 letters, digits, '-', '_', '.')");
            }
        });
    }
}
