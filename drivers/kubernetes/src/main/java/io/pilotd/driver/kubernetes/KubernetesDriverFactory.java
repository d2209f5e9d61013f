package io.pilotd.driver.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.Pace;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;
import java.time.Clock;
import java.util.List;

/** {@code driver: kubernetes}: pilots as the pods of Indexed Jobs on a Kubernetes cluster. */
public final class KubernetesDriverFactory implements PilotDriverFactory {
    private final Clock clock;

    public KubernetesDriverFactory() {
        this(Clock.systemUTC());
    }

    /** With the clock that times an unschedulable pod's grace. */
    KubernetesDriverFactory(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public PilotDriver create(DriverParameters parameters, DriverContext context) throws InvalidParametersException {
        KubernetesConfig config = KubernetesConfig.from(parameters);
        Config cluster = cluster(config);
        String namespace = config.namespace().orElse(cluster.getNamespace() == null ? "default" : cluster.getNamespace());
        KubernetesClient client = new KubernetesClientBuilder().withConfig(cluster).build();
        Pace pace = Pace.of("kubernetes|" + cluster.getMasterUrl() + "|" + namespace, 2.0 * config.callsPerSecond(), config.callsPerSecond());
        return new KubernetesDriver(config, context, client, namespace, new KubernetesCall(pace), clock);
    }

    /**
     * The cluster and the credentials: the kubeconfig file and context given, else as kubectl
     * finds them ({@code $KUBECONFIG}, {@code ~/.kube/config}, the pod's service account). The
     * client's own retries are off: a repeated create whose first answer was lost must not be
     * taken for a conflict, and the director decides what to try again.
     */
    private static Config cluster(KubernetesConfig config) throws InvalidParametersException {
        Config found;
        try {
            found = config.kubeconfig().isPresent()
                    ? Config.fromKubeconfig(config.context().orElse(null), config.kubeconfig().get().toFile())
                    : Config.autoConfigure(config.context().orElse(null));
        } catch (KubernetesClientException e) {
            throw new InvalidParametersException(List.of(new InvalidParametersException.Problem(
                    config.kubeconfig().isPresent() ? "kubeconfig" : "context", e.getMessage())));
        }
        if (config.context().isPresent() && found.getCurrentContext() != null
                && !config.context().get().equals(found.getCurrentContext().getName())) {
            throw new InvalidParametersException(List.of(new InvalidParametersException.Problem("context",
                    "'" + config.context().get() + "' is not a context of " + config.kubeconfig().map(Object::toString).orElse("the kubeconfig"))));
        }
        if (found.getMasterUrl() == null || found.getMasterUrl().isBlank()) {
            throw new InvalidParametersException(List.of(new InvalidParametersException.Problem(
                    config.kubeconfig().isPresent() ? "kubeconfig" : "context", "names no cluster (no server)")));
        }
        return new ConfigBuilder(found)
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(10_000)
                .withRequestTimeout(30_000)
                .build();
    }
}
