package io.pilotd.fakes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake AWS on 127.0.0.1 speaking the wire protocols the SDK speaks: Batch's REST-JSON, EC2's
 * Query/XML, CloudWatch Logs' JSON 1.1 and S3's REST. It counts every call by operation, can
 * answer the next calls of an operation with a given reply, and misbehaves as its
 * {@link CloudBehaviour} says. {@link #batch} and {@link #ec2} hold what really exists.
 */
public final class FakeAws implements AutoCloseable {
    /** A response: status, headers, body. */
    public record Reply(int status, Map<String, String> headers, String body) {
        public static Reply json(String body) {
            return new Reply(200, Map.of("Content-Type", "application/json"), body);
        }

        public static Reply xml(String body) {
            return new Reply(200, Map.of("Content-Type", "text/xml"), body);
        }

        /** What a load balancer in front of the API answers when it is overloaded: no AWS error code. */
        public static Reply html503() {
            return new Reply(503, Map.of("Content-Type", "text/html"),
                    "<html><head><title>503 Service Temporarily Unavailable</title></head>"
                            + "<body><center><h1>503 Service Temporarily Unavailable</h1></center></body></html>");
        }
    }

    /** One request as the fake saw it. */
    public record Call(String operation, String body) {
    }

    /** Calls that change something at the cloud: their answers may be lost after acting. */
    private static final Set<String> MUTATING = Set.of("Batch.submitjob", "Batch.terminatejob", "EC2.RunInstances",
            "EC2.TerminateInstances", "EC2.CreateTags", "S3.PutObject", "S3.DeleteObject");
    /** Ids are unique across every fake of a test run, as they are across real accounts. */
    static final AtomicInteger IDS = new AtomicInteger();

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-aws");
        t.setDaemon(true);
        return t;
    });
    public final CloudBehaviour behaviour;
    public final FakeBatch batch;
    public final FakeEc2 ec2;
    public final Map<String, String> s3Objects = new ConcurrentHashMap<>();
    public final Map<String, List<String>> logStreams = new ConcurrentHashMap<>();
    public final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Reply>> faults = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> plannedLosses = new ConcurrentHashMap<>();

    public FakeAws() throws IOException {
        this(CloudBehaviour.perfect());
    }

    public FakeAws(CloudBehaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        this.batch = new FakeBatch(behaviour);
        this.ec2 = new FakeEc2(behaviour);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public int count(String operation) {
        return (int) calls.stream().filter(c -> c.operation().equals(operation)).count();
    }

    /** Calls of any operation so far. */
    public int count() {
        return calls.size();
    }

    public List<Call> calls(String operation) {
        return calls.stream().filter(c -> c.operation().equals(operation)).toList();
    }

    /** The next {@code times} calls of the operation get this reply instead, without acting. */
    public void fail(String operation, int times, Reply reply) {
        Deque<Reply> queue = faults.computeIfAbsent(operation, o -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(reply);
        }
    }

    /** The next {@code times} calls of the operation act, and their answers are lost (before any {@link #fail}). */
    public void loseAnswersAfterActing(String operation, int times) {
        plannedLosses.computeIfAbsent(operation, o -> new AtomicInteger()).addAndGet(times);
    }

    public static Reply batchError(int status, String type, String message) {
        return new Reply(status, Map.of("Content-Type", "application/json", "x-amzn-ErrorType", type),
                "{\"message\":\"" + message + "\"}");
    }

    public static Reply ec2Error(int status, String code, String message) {
        return new Reply(status, Map.of("Content-Type", "text/xml"), "<Response><Errors><Error><Code>" + code
                + "</Code><Message>" + message + "</Message></Error></Errors><RequestID>r-1</RequestID></Response>");
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        String operation;
        Map<String, String> form = Map.of();
        if (path.startsWith("/v1/")) {
            operation = "Batch." + path.substring(4);
        } else if (target != null) {
            operation = "Logs." + target.substring(target.indexOf('.') + 1);
        } else if ("PUT".equals(exchange.getRequestMethod())) {
            operation = "S3.PutObject";
        } else if ("DELETE".equals(exchange.getRequestMethod())) {
            operation = "S3.DeleteObject";
        } else {
            form = form(body);
            operation = "EC2." + form.get("Action");
        }
        calls.add(new Call(operation, body));
        behaviour.maybeSlow();
        AtomicInteger losses = plannedLosses.get(operation);
        boolean lose = losses != null && losses.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        Deque<Reply> planned = faults.get(operation);
        Reply reply = lose || planned == null ? null : planned.poll();
        if (reply != null) {
            send(exchange, reply);
            return;
        }
        String service = operation.substring(0, operation.indexOf('.'));
        CloudBehaviour.Fault fault = behaviour.next(operation, MUTATING.contains(operation));
        switch (fault) {
            case THROTTLE -> {
                send(exchange, throttled(service));
                return;
            }
            case SERVER_ERROR -> {
                send(exchange, serverError(service));
                return;
            }
            default -> {
            }
        }
        reply = switch (service) {
            case "Batch" -> batch.handle(operation.substring(6), body);
            case "EC2" -> ec2.handle(form);
            case "Logs" -> logs(body);
            default -> s3(exchange.getRequestMethod(), path, body);
        };
        if (lose) {
            // Planned: the shape every client retries.
            send(exchange, Reply.html503());
            return;
        }
        if (fault == CloudBehaviour.Fault.LOSE_ANSWER) {
            loseAnswer(exchange, reply, behaviour);
            return;
        }
        send(exchange, reply);
    }

    private static Reply throttled(String service) {
        return switch (service) {
            case "EC2" -> ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.");
            case "Batch" -> batchError(429, "TooManyRequestsException", "Too Many Requests");
            default -> new Reply(503, Map.of("Content-Type", "application/xml"),
                    "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>");
        };
    }

    private static Reply serverError(String service) {
        return "EC2".equals(service) ? ec2Error(500, "InternalError", "An internal error has occurred")
                : batchError(500, "ServerException", "Internal server error");
    }

    /** The cloud acted; the caller never learns it: a 5xx page, a truncated body, or a dropped connection. */
    static void loseAnswer(HttpExchange exchange, Reply acted, CloudBehaviour behaviour) throws IOException {
        switch (behaviour.lossShape()) {
            case 0 -> send(exchange, Reply.html503());
            case 1 -> {
                String body = acted.body();
                send(exchange, new Reply(acted.status(), acted.headers(), body.substring(0, body.length() / 2)));
            }
            default -> exchange.close();
        }
    }

    static void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private Reply s3(String method, String path, String body) {
        if ("DELETE".equals(method)) {
            s3Objects.remove(path);
            return new Reply(204, Map.of(), "");
        }
        s3Objects.put(path, body);
        return new Reply(200, Map.of("ETag", "\"etag\""), "");
    }

    private Reply logs(String body) {
        String stream = FakeBatch.tree(body).path("logStreamName").asText();
        // As CloudWatch does: the forward token of the stream's end gives no more events.
        boolean atEnd = "f/end".equals(FakeBatch.tree(body).path("nextToken").asText());
        StringBuilder events = new StringBuilder();
        for (String line : atEnd ? List.<String>of() : logStreams.getOrDefault(stream, List.of())) {
            events.append(events.length() == 0 ? "" : ",").append("{\"timestamp\":1,\"message\":\"").append(line).append("\"}");
        }
        return new Reply(200, Map.of("Content-Type", "application/x-amz-json-1.1"),
                "{\"events\":[" + events + "],\"nextForwardToken\":\"f/end\",\"nextBackwardToken\":\"b/0\"}");
    }

    public static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
