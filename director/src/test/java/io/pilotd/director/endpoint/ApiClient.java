package io.pilotd.director.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** A client of the endpoint's API, as DIRAC's serverless submission speaks it, for tests. */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** @param body the answer's JSON, or null when it is not JSON */
    public record Answer(int status, JsonNode body, String text, HttpHeaders headers) {
        public String field(String name) {
            JsonNode node = body == null ? null : body.get(name);
            return node == null || node.isNull() ? null : node.asText();
        }
    }

    private final URI base;
    private final HttpClient http;

    public ApiClient(URI base, SSLContext tls) {
        this.base = base;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30));
        if (tls != null) {
            builder.sslContext(tls);
        }
        this.http = builder.build();
    }

    /** The body DIRAC sends: the proxy and the wrapper, base64. */
    public static byte[] body(String proxyPem, String wrapper) {
        try {
            return JSON.writeValueAsBytes(Map.of(
                    "proxyFileEncoded", Base64.getEncoder().encodeToString(proxyPem.getBytes(StandardCharsets.US_ASCII)),
                    "wrapperFileEncoded", Base64.getEncoder().encodeToString(wrapper.getBytes(StandardCharsets.UTF_8))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Answer submit(String queue, String jobName, String key, String proxyPem, String wrapper) {
        return post("/submitjob?queue=" + encode(queue) + "&job_name=" + encode(jobName), key, body(proxyPem, wrapper));
    }

    public Answer post(String pathAndQuery, String key, byte[] body) {
        return send(request(pathAndQuery, key).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json"));
    }

    public Answer get(String path, String key) {
        return send(request(path, key).GET());
    }

    public Answer delete(String path, String key) {
        return send(request(path, key).DELETE());
    }

    /** A request with a bearer token (and a body for POST) instead of a key. */
    public Answer withToken(String method, String pathAndQuery, String token, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + token);
        return send(body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
                : request.method(method, HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json"));
    }

    private HttpRequest.Builder request(String path, String key) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofMinutes(2));
        if (key != null) {
            request.header("x-api-key", key);
        }
        return request;
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            if (response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
                body = JSON.readTree(response.body());
            }
            return new Answer(response.statusCode(), body, response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
