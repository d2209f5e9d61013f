package io.pilotd.driver.aws;

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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake AWS on 127.0.0.1 speaking the wire protocols the SDK speaks: Batch's REST-JSON, EC2's
 * Query/XML, CloudWatch Logs' JSON 1.1 and S3's REST. It counts every call by operation and
 * can answer the next calls of an operation with an error, to test throttling and refusals.
 */
final class FakeAws implements AutoCloseable {
    /** A response: status, headers, body. */
    record Reply(int status, Map<String, String> headers, String body) {
        static Reply json(String body) {
            return new Reply(200, Map.of("Content-Type", "application/json"), body);
        }

        static Reply xml(String body) {
            return new Reply(200, Map.of("Content-Type", "text/xml"), body);
        }
    }

    /** One request as the fake saw it. */
    record Call(String operation, String body) {
    }

    private final HttpServer server;
    final FakeBatch batch = new FakeBatch();
    final FakeEc2 ec2 = new FakeEc2();
    final Map<String, String> s3Objects = new ConcurrentHashMap<>();
    final Map<String, List<String>> logStreams = new ConcurrentHashMap<>();
    final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Reply>> faults = new ConcurrentHashMap<>();

    FakeAws() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int count(String operation) {
        return (int) calls.stream().filter(c -> c.operation().equals(operation)).count();
    }

    List<Call> calls(String operation) {
        return calls.stream().filter(c -> c.operation().equals(operation)).toList();
    }

    /** The next {@code times} calls of the operation get this reply instead. */
    void fail(String operation, int times, Reply reply) {
        Deque<Reply> queue = faults.computeIfAbsent(operation, o -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(reply);
        }
    }

    static Reply batchError(int status, String type, String message) {
        return new Reply(status, Map.of("Content-Type", "application/json", "x-amzn-ErrorType", type),
                "{\"message\":\"" + message + "\"}");
    }

    static Reply ec2Error(int status, String code, String message) {
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
        } else {
            form = form(body);
            operation = "EC2." + form.get("Action");
        }
        calls.add(new Call(operation, body));
        Deque<Reply> fault = faults.get(operation);
        Reply reply = fault == null ? null : fault.poll();
        if (reply == null) {
            reply = switch (operation.substring(0, operation.indexOf('.'))) {
                case "Batch" -> batch.handle(operation.substring(6), body);
                case "EC2" -> ec2.handle(form);
                case "Logs" -> logs(body);
                default -> {
                    s3Objects.put(path, body);
                    yield new Reply(200, Map.of("ETag", "\"etag\""), "");
                }
            };
        }
        byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
        reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
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

    static Map<String, String> form(String body) {
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
    }

    static final AtomicInteger IDS = new AtomicInteger();
}
