package io.pilotd.driver.kubernetes;

import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pilotd.fakes.CloudBehaviour;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes API on 127.0.0.1 for the real fabric8 client: fabric8's mock server in CRUD mode,
 * with the Job controller's part that pilotd relies on (an Indexed Job's pods, one per index,
 * labelled with the index, never made again for an index whose pod went; pods and Secrets
 * collected with their Job), and the misbehaviour of {@link CloudBehaviour} in front of it:
 * listings that lag behind creates, answers lost after acting, throttling (429) and 5xx.
 *
 * <p>The test's own view ({@link #harness()}) goes around the faults: it plays the kubelet.
 */
public final class FakeKubernetes implements AutoCloseable {
    public static final String NAMESPACE = "pilots";
    private static final String HARNESS = "fake-kubernetes-harness";
    /** The mock server says every request at INFO, through java.util.logging (held here: a logger's level lives as long as it). */
    private static final Logger SERVER_LOG = Logger.getLogger(MockWebServer.class.getName());

    static {
        SERVER_LOG.setLevel(Level.WARNING);
    }

    private static final Pattern PATH = Pattern.compile("/apis?/[^?]*?/namespaces/([^/?]+)/([a-z]+)(/[^/?]+)?(/[a-z]+)?(\\?.*)?");

    private final CloudBehaviour behaviour;
    private final KubernetesMockServer server;
    private final KubernetesClient harness;
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final Set<String> rights = ConcurrentHashMap.newKeySet();
    private final Set<String> authorizations = ConcurrentHashMap.newKeySet();
    private final AtomicInteger podsMade = new AtomicInteger();
    private volatile Set<String> forbidden = Set.of();
    /** When each pod and Job was made, by namespace/name, on the behaviour's clock: what listings lag behind. */
    private final Map<String, Instant> created = new ConcurrentHashMap<>();

    public FakeKubernetes(CloudBehaviour behaviour) {
        this(behaviour, false);
    }

    /** Over TLS (the mock server's own certificate) where {@code https}, as a cluster's service address is. */
    public FakeKubernetes(CloudBehaviour behaviour, boolean https) {
        this.behaviour = behaviour;
        this.server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new Faulty(), https);
        try {
            server.init(InetAddress.getByName("127.0.0.1"), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.harness = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(server.url("/"))
                .withCaCertFile(https ? server.getSelfSignedCertificate().certificatePath() : null).withNamespace(NAMESPACE).withUserAgent(HARNESS).withRequestRetryBackoffLimit(0).build())
                .build();
    }

    /** The API's certificate (PEM), made for this server, over TLS. */
    public Path certificate() {
        return Path.of(server.getSelfSignedCertificate().certificatePath());
    }

    /** The port the API listens on, on 127.0.0.1. */
    public int port() {
        return server.getPort();
    }

    /** The credentials the driver's calls carried (their Authorization headers), never the harness's. */
    public Set<String> authorizations() {
        return Set.copyOf(authorizations);
    }

    /** A kubeconfig of this cluster, whose context "fake" has the namespace {@link #NAMESPACE}. */
    public Path kubeconfig(Path dir) throws IOException {
        return Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                  - name: fake
                    cluster: {server: "%s"}
                users:
                  - name: pilotd
                    user: {token: not-a-secret}
                contexts:
                  - name: fake
                    context: {cluster: fake, user: pilotd, namespace: %s}
                current-context: fake
                """.formatted(server.url("/"), NAMESPACE));
    }

    /** The test's own client: no fault, no lag. */
    public KubernetesClient harness() {
        return harness;
    }

    /** How many calls of one kind the driver made: "POST jobs", "GET pods", "DELETE pods"... */
    public int calls(String kind) {
        AtomicInteger count = calls.get(kind);
        return count == null ? 0 : count.get();
    }

    /** Refuses these calls ("POST jobs"...) with 403, as a Role without the right would. */
    public void forbid(String... kinds) {
        forbidden = Set.of(kinds);
    }

    /** How many pods the Job controller made, deleted ones too. */
    public int podsMade() {
        return podsMade.get();
    }

    /** The RBAC rights the driver's calls needed, as "verb resource": "create jobs", "get pods/log"... */
    public Set<String> rightsUsed() {
        return Set.copyOf(rights);
    }

    private static String verb(String method, boolean named) {
        return switch (method) {
            case "GET" -> named ? "get" : "list";
            case "POST" -> "create";
            case "DELETE" -> named ? "delete" : "deletecollection";
            case "PATCH" -> "patch";
            case "PUT" -> "update";
            default -> method.toLowerCase(Locale.ROOT);
        };
    }

    /** The pod of a pilot, as the harness sees it. */
    public Pod pod(String jobRef) {
        PodRef ref = PodRef.parse(jobRef).orElseThrow();
        List<Pod> pods = harness.pods().inNamespace(ref.namespace()).withLabel(KubernetesJobs.BATCH, ref.batchId())
                .withLabel(KubernetesJobs.INDEX, Integer.toString(ref.index())).list().getItems();
        return pods.isEmpty() ? null : pods.get(pods.size() - 1);
    }

    /** Plays the kubelet: the pilot's pod is now in this phase (Running on a node, Succeeded, Failed with an exit code). */
    public void phase(String jobRef, String phase, Integer exitCode, String reason) {
        Pod pod = pod(jobRef);
        harness.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).edit(p -> {
            PodBuilder edited = new PodBuilder(p).editSpec().withNodeName("node-1").endSpec().editOrNewStatus().withPhase(phase)
                    .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("True").build()).endStatus();
            if (exitCode != null) {
                edited.editStatus().addNewContainerStatus().withName(KubernetesJobs.CONTAINER).withNewState().withNewTerminated()
                        .withStartedAt(behaviour.clock().instant().toString()).withExitCode(exitCode).withReason(reason)
                        .endTerminated().endState().endContainerStatus().endStatus();
            }
            return edited.build();
        });
    }

    /** Plays the Job controller: the Job's deadline passed while this pilot's pod still waited. */
    public void deadlineExceeded(String jobRef) {
        Pod pod = pod(jobRef);
        harness.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).edit(p ->
                new PodBuilder(p).editOrNewStatus().withPhase("Failed").withReason("DeadlineExceeded").endStatus().build());
    }

    /** Plays the scheduler: no node fits this pilot's pod. */
    public void unschedulable(String jobRef, String message) {
        Pod pod = pod(jobRef);
        harness.pods().inNamespace(pod.getMetadata().getNamespace()).withName(pod.getMetadata().getName()).edit(p ->
                new PodBuilder(p).editOrNewStatus().withPhase("Pending")
                        .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("False").withReason("Unschedulable").withMessage(message).build())
                        .endStatus().build());
    }

    @Override
    public void close() {
        harness.close();
        server.destroy();
    }

    /** The CRUD store, with the Job controller's part, behind the cloud's faults. */
    private final class Faulty extends KubernetesCrudDispatcher {
        /** A fake's own failure answered as a 500 naming it, not as a request that never ends. */
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            try {
                return faulty(request);
            } catch (RuntimeException e) {
                return status(500, "InternalError", "the fake failed: " + e);
            }
        }

        private MockResponse faulty(RecordedRequest request) {
            if (HARNESS.equals(request.getHeader("User-Agent"))) {
                return controlled(request, super.dispatch(request));
            }
            Matcher path = PATH.matcher(request.getPath());
            String kind = request.getMethod() + " " + (path.matches() ? path.group(2) + (path.group(4) == null ? "" : path.group(4)) : request.getPath());
            calls.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
            String authorization = request.getHeader("Authorization");
            if (authorization != null) {
                authorizations.add(authorization);
            }
            if (path.matches()) {
                rights.add(verb(request.getMethod(), path.group(3) != null) + " " + path.group(2) + (path.group(4) == null ? "" : path.group(4)));
            }
            behaviour.maybeSlow();
            switch (behaviour.next(kind, !"GET".equals(request.getMethod()))) {
                case THROTTLE:
                    return status(429, "TooManyRequests", "the API server is throttling this client");
                case SERVER_ERROR:
                    return status(503, "ServiceUnavailable", "the API server is unavailable");
                case LOSE_ANSWER:
                    controlled(request, super.dispatch(request));
                    return status(504, "Timeout", "the answer was lost after the API server acted");
                default:
                    break;
            }
            if (forbidden.contains(kind)) {
                return status(403, "Forbidden", "pilotd cannot " + kind + " in this namespace");
            }
            if ("GET".equals(request.getMethod()) && path.matches() && "/log".equals(path.group(4))) {
                return new MockResponse().setResponseCode(200).setBody("output of pod " + path.group(3).substring(1) + "\n");
            }
            MockResponse response = controlled(request, super.dispatch(request));
            return "GET".equals(request.getMethod()) && path.matches() && path.group(3) == null ? lagged(path.group(2), response) : response;
        }

        /** What the Job controller and the garbage collector do after a Job's create and delete. */
        private MockResponse controlled(RecordedRequest request, MockResponse response) {
            Matcher path = PATH.matcher(request.getPath());
            if (!path.matches() || response.code() >= 300) {
                return response;
            }
            String namespace = path.group(1);
            if ("POST".equals(request.getMethod()) && "jobs".equals(path.group(2))) {
                String body = response.getBody().readUtf8();
                response.setBody(body);
                Job job = Serialization.unmarshal(body, Job.class);
                created.put(namespace + "/" + job.getMetadata().getName(), behaviour.clock().instant());
                makePods(namespace, job);
            } else if ("DELETE".equals(request.getMethod()) && "jobs".equals(path.group(2)) && path.group(3) != null) {
                String job = path.group(3).substring(1);
                String batch = job.substring("pilotd-".length());
                super.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.DELETE, "/api/v1/namespaces/" + namespace
                        + "/pods?labelSelector=" + KubernetesJobs.BATCH.replace("/", "%2F") + "%3D" + batch, Headers.builder().build(), new Buffer()));
                super.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.DELETE, "/api/v1/namespaces/" + namespace + "/secrets/" + job,
                        Headers.builder().build(), new Buffer()));
            }
            return response;
        }

        /** One pod per index, labelled as the Job controller labels them, Pending. */
        private void makePods(String namespace, Job job) {
            int completions = job.getSpec().getCompletions() == null ? 1 : job.getSpec().getCompletions();
            for (int i = 0; i < completions; i++) {
                Map<String, String> labels = new LinkedHashMap<>(job.getSpec().getTemplate().getMetadata().getLabels());
                labels.put("batch.kubernetes.io/job-name", job.getMetadata().getName());
                labels.put(KubernetesJobs.INDEX, Integer.toString(i));
                String name = job.getMetadata().getName() + "-" + i + "-" + Long.toString(System.nanoTime() % 100_000, 36);
                Pod pod = new PodBuilder().withMetadata(new ObjectMeta()).editMetadata().withName(name).withNamespace(namespace)
                        .withLabels(labels).endMetadata()
                        .withSpec(job.getSpec().getTemplate().getSpec())
                        .withNewStatus().withPhase("Pending").endStatus().build();
                created.put(namespace + "/" + name, behaviour.clock().instant());
                podsMade.incrementAndGet();
                super.dispatch(new RecordedRequest("HTTP/1.1", HttpMethod.POST, "/api/v1/namespaces/" + namespace + "/pods",
                        Headers.builder().build(), new Buffer(Serialization.asJson(pod).getBytes(StandardCharsets.UTF_8))));
            }
        }

        /**
         * A listing without what was made too recently to be listed yet, and with each item's
         * creation time on the behaviour's clock (the store keeps the real one).
         */
        private MockResponse lagged(String kind, MockResponse response) {
            if (response.code() != 200 || !("pods".equals(kind) || "jobs".equals(kind))) {
                return response;
            }
            String body = response.getBody().readUtf8();
            KubernetesResourceList<?> list = "pods".equals(kind) ? Serialization.unmarshal(body, PodList.class)
                    : Serialization.unmarshal(body, JobList.class);
            List<Object> kept = new ArrayList<>();
            for (Object item : list.getItems()) {
                ObjectMeta meta = item instanceof Pod pod ? pod.getMetadata() : ((Job) item).getMetadata();
                Instant at = created.get(meta.getNamespace() + "/" + meta.getName());
                if (at != null) {
                    meta.setCreationTimestamp(at.toString());
                }
                if (at == null || behaviour.listed(at)) {
                    kept.add(item);
                }
            }
            if ("pods".equals(kind)) {
                ((PodList) list).setItems(kept.stream().map(Pod.class::cast).toList());
            } else {
                ((JobList) list).setItems(kept.stream().map(Job.class::cast).toList());
            }
            return response.setBody(Serialization.asJson(list));
        }

        private MockResponse status(int code, String reason, String message) {
            return new MockResponse().setResponseCode(code).setBody(Serialization.asJson(new StatusBuilder().withStatus("Failure")
                    .withCode(code).withReason(reason).withMessage(message).build()));
        }
    }
}
