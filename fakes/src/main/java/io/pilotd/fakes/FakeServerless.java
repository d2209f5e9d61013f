package io.pilotd.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A serverless computing endpoint on 127.0.0.1, as the API-gateway one and {@code pilotd endpoint}
 * speak it: {@code POST /submitjob}, and with {@link #jobUrls} {@code /jobs}. It behaves like a
 * real one through {@link CloudBehaviour}: a submission or a kill ({@code Serverless.submitjob},
 * {@code Serverless.deletejob}) throttled (429) or failed (503) before it acts, or whose answer is
 * lost after it acted (504); jobs that show late.
 */
public final class FakeServerless implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One job, with what its request carried, decoded. */
    public record Job(String name, String queue, String proxyPem, String wrapper, String jobId, String status,
                      Instant createdAt) {
        Job with(String newStatus) {
            return new Job(name, queue, proxyPem, wrapper, jobId, newStatus, createdAt);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread thread = new Thread(r, "fake-serverless");
        thread.setDaemon(true);
        return thread;
    });
    private final CloudBehaviour behaviour;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Set<String> keys = new CopyOnWriteArraySet<>();
    private final AtomicInteger ids = new AtomicInteger();
    public final AtomicInteger submitCalls = new AtomicInteger();
    /** Calls of GET /jobs (the listing) and of GET /jobs/<name>. */
    public final AtomicInteger listCalls = new AtomicInteger();
    public final AtomicInteger jobCalls = new AtomicInteger();
    /** Whether it has the job URLs (pilotd's endpoint does; the API-gateway one may not). */
    public volatile boolean jobUrls = true;
    /** How many more submissions it takes; beyond, it refuses them (403), as an endpoint at its key's limits. */
    public volatile int admits = Integer.MAX_VALUE;

    /** @param tls its server certificate, or null for plain HTTP */
    public FakeServerless(CloudBehaviour behaviour, SSLContext tls) {
        this.behaviour = behaviour;
        try {
            InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            if (tls == null) {
                server = HttpServer.create(address, 0);
            } else {
                HttpsServer https = HttpsServer.create(address, 0);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                server = https;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    public String url() {
        return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A key it takes. */
    public void allow(String key) {
        keys.add(key);
    }

    public Map<String, Job> jobs() {
        return Map.copyOf(jobs);
    }

    public void set(String name, String status) {
        jobs.computeIfPresent(name, (n, job) -> job.with(status));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String key = exchange.getRequestHeaders().getFirst("x-api-key");
            if (key == null || !keys.contains(key)) {
                // API gateway's answer to a missing or wrong key.
                answer(exchange, 403, JSON.createObjectNode().put("message", "Forbidden"));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            Map<String, String> query = FakeOpenStack.query(exchange.getRequestURI());
            if (path.equals("/submitjob") && method.equals("POST")) {
                submit(exchange, query);
            } else if (jobUrls && path.equals("/jobs") && method.equals("GET")) {
                listCalls.incrementAndGet();
                ArrayNode live = JSON.createArrayNode();
                jobs.values().stream().filter(this::listed).filter(j -> !ended(j.status()))
                        .filter(j -> query.get("queue") == null || query.get("queue").equals(j.queue()))
                        .forEach(j -> live.add(view(j)));
                ObjectNode body = JSON.createObjectNode();
                body.set("jobs", live);
                answer(exchange, 200, body);
            } else if (jobUrls && path.startsWith("/jobs/")) {
                job(exchange, method, path.substring("/jobs/".length()));
            } else {
                answer(exchange, 403, JSON.createObjectNode().put("message", "Missing Authentication Token"));
            }
        }
    }

    private void submit(HttpExchange exchange, Map<String, String> query) throws IOException {
        submitCalls.incrementAndGet();
        String name = query.get("job_name");
        String queue = query.get("queue");
        JsonNode body;
        try {
            body = JSON.readTree(exchange.getRequestBody().readAllBytes());
        } catch (IOException e) {
            answer(exchange, 400, JSON.createObjectNode().put("message", "the body is not JSON"));
            return;
        }
        if (name == null || queue == null || body == null || !body.path("proxyFileEncoded").isTextual()) {
            answer(exchange, 400, JSON.createObjectNode().put("message", "queue, job_name and proxyFileEncoded are required"));
            return;
        }
        behaviour.maybeSlow();
        if (admits <= 0) {
            answer(exchange, 403, JSON.createObjectNode().put("message", "the queue " + queue + " holds its maxWaiting"));
            return;
        }
        CloudBehaviour.Fault fault = behaviour.next("Serverless.submitjob", true);
        if (fault == CloudBehaviour.Fault.THROTTLE) {
            answer(exchange, 429, JSON.createObjectNode().put("message", "Too Many Requests"));
            return;
        }
        if (fault == CloudBehaviour.Fault.SERVER_ERROR) {
            answer(exchange, 503, JSON.createObjectNode().put("message", "Service Unavailable"));
            return;
        }
        admits--;
        Job job = jobs.computeIfAbsent(name, n -> new Job(n, queue,
                new String(Base64.getDecoder().decode(body.path("proxyFileEncoded").asText()), StandardCharsets.US_ASCII),
                new String(Base64.getDecoder().decode(body.path("wrapperFileEncoded").asText("")), StandardCharsets.UTF_8),
                "job-" + ids.incrementAndGet(), "Submitted", behaviour.clock().instant()));
        if (fault == CloudBehaviour.Fault.LOSE_ANSWER) {
            answer(exchange, 504, JSON.createObjectNode().put("message", "Endpoint request timed out"));
            return;
        }
        answer(exchange, 200, view(job));
    }

    private void job(HttpExchange exchange, String method, String rest) throws IOException {
        boolean output = rest.endsWith("/output");
        String name = output ? rest.substring(0, rest.length() - "/output".length()) : rest;
        if (!output && method.equals("GET")) {
            jobCalls.incrementAndGet();
        }
        Job job = jobs.get(name);
        if (job == null || !listed(job)) {
            answer(exchange, 404, JSON.createObjectNode().put("message", "no job named " + name));
            return;
        }
        if (output) {
            byte[] text = ("output of " + name).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, text.length);
            exchange.getResponseBody().write(text);
        } else if (method.equals("DELETE")) {
            CloudBehaviour.Fault fault = behaviour.next("Serverless.deletejob", true);
            if (fault == CloudBehaviour.Fault.THROTTLE || fault == CloudBehaviour.Fault.SERVER_ERROR) {
                answer(exchange, fault == CloudBehaviour.Fault.THROTTLE ? 429 : 503,
                        JSON.createObjectNode().put("message", fault == CloudBehaviour.Fault.THROTTLE ? "Too Many Requests"
                                : "Service Unavailable"));
                return;
            }
            Job killed = jobs.computeIfPresent(name, (n, j) -> ended(j.status()) ? j : j.with("Deleted"));
            answer(exchange, fault == CloudBehaviour.Fault.LOSE_ANSWER ? 504 : 200, fault == CloudBehaviour.Fault.LOSE_ANSWER
                    ? JSON.createObjectNode().put("message", "Endpoint request timed out") : view(killed));
        } else {
            answer(exchange, 200, view(job));
        }
    }

    private boolean listed(Job job) {
        return behaviour.listed(job.createdAt());
    }

    private static boolean ended(String status) {
        return Set.of("Done", "Failed", "Aborted", "Deleted").contains(status);
    }

    private static ObjectNode view(Job job) {
        return JSON.createObjectNode().put("jobName", job.name()).put("queue", job.queue()).put("jobId", job.jobId())
                .put("status", job.status()).put("statusReason", "").put("submittedAt", job.createdAt().toString());
    }

    private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
