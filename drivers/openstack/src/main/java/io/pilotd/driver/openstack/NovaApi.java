package io.pilotd.driver.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pilotd.driver.api.DriverException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openstack4j.model.identity.v3.Token;

/**
 * The two Nova calls pilotd makes itself, on openstack4j's token and the compute endpoint of its
 * catalog: the multi-create (openstack4j 3.12's server model has no min_count/max_count) and the
 * server list (openstack4j answers a 404 to a list with an empty list, which the director would
 * take for "every pilot is gone"; this one follows every page, too).
 */
final class NovaApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAGE = 1000;
    private static final int THROTTLE_RETRIES = 3;
    private static final Duration MOST_RETRY_AFTER = Duration.ofSeconds(5);
    /** The first microversion whose creates take {@code networks: auto} and {@code none}. */
    static final String MICROVERSION = "2.37";

    /** A server as the list shows it. */
    record Server(String id, String name, String status, Map<String, String> metadata, Instant created, String fault) {
    }

    /** Nova answered with an error status: it did not do what was asked (or, for a 5xx, may have). */
    static final class NovaError extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        NovaError(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final Keystone keystone;
    private final HttpClient http;
    private final Duration timeout;

    NovaApi(Keystone keystone, HttpClient http, Duration timeout) {
        this.keystone = keystone;
        this.http = http;
        this.timeout = timeout;
    }

    /**
     * POSTs a server create, once (never retried after it was sent: Nova has no idempotency
     * token), but re-sent after a refused token or a 429, which Nova answers before acting.
     *
     * @throws NovaError   with Nova's status and message
     * @throws IOException when the answer was lost (time-out, dropped connection)
     */
    JsonNode create(ObjectNode server) throws DriverException, NovaError, IOException {
        String body = JSON.createObjectNode().set("server", server).toString();
        return call("POST", "/servers", body, MICROVERSION);
    }

    /** Every server whose name the regular expression finds, all pages. */
    List<Server> list(String nameRegex) throws DriverException, NovaError, IOException {
        List<Server> servers = new ArrayList<>();
        String marker = null;
        while (true) {
            String path = "/servers/detail?limit=" + PAGE + "&name=" + URLEncoder.encode(nameRegex, StandardCharsets.UTF_8)
                    + (marker == null ? "" : "&marker=" + marker);
            JsonNode page = call("GET", path, null, null);
            JsonNode list = page.path("servers");
            if (!list.isArray()) {
                throw new IOException("Nova's server list has no servers array");
            }
            for (JsonNode s : list) {
                servers.add(server(s));
            }
            if (list.isEmpty() || !hasNext(page)) {
                return servers;
            }
            marker = list.get(list.size() - 1).path("id").asText();
        }
    }

    private static boolean hasNext(JsonNode page) {
        for (JsonNode link : page.path("servers_links")) {
            if ("next".equals(link.path("rel").asText())) {
                return true;
            }
        }
        return false;
    }

    private static Server server(JsonNode s) {
        Map<String, String> metadata = new LinkedHashMap<>();
        s.path("metadata").fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        String created = s.path("created").asText("");
        JsonNode fault = s.path("fault").path("message");
        return new Server(s.path("id").asText(), s.path("name").asText(), s.path("status").asText(), metadata,
                created.isEmpty() ? null : Instant.parse(created), fault.isMissingNode() ? "" : fault.asText());
    }

    private JsonNode call(String method, String path, String body, String microversion)
            throws DriverException, NovaError, IOException {
        boolean renewed = false;
        for (int attempt = 0; ; attempt++) {
            Token token = keystone.token();
            keystone.pace(method + " " + path);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(keystone.endpoint(token, "compute") + path))
                    .timeout(timeout).header("X-Auth-Token", token.getId()).header("Accept", "application/json");
            if (microversion != null) {
                request.header("OpenStack-API-Version", "compute " + microversion)
                        .header("X-OpenStack-Nova-API-Version", microversion);
            }
            if (body != null) {
                request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for Nova", e);
            }
            int status = response.statusCode();
            if (status == 401 && !renewed) {
                keystone.refused(token);
                renewed = true;
                continue;
            }
            if (status == 429 && attempt < THROTTLE_RETRIES) {
                pause(response);
                continue;
            }
            if (status >= 400) {
                throw new NovaError(status, message(response.body()));
            }
            try {
                return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            } catch (IOException e) {
                throw new IOException("Nova's answer (" + status + ") is cut short or not JSON", e);
            }
        }
    }

    /** Waits as long as Nova's Retry-After says, within reason. */
    private static void pause(HttpResponse<String> response) throws IOException {
        long seconds = response.headers().firstValue("Retry-After").map(v -> {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                return 1L;
            }
        }).orElse(1L);
        try {
            Thread.sleep(Math.min(MOST_RETRY_AFTER.toMillis(), Math.max(0, seconds) * 1000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while throttled by Nova", e);
        }
    }

    /** The message of an OpenStack error body: {"kind": {"code": .., "message": ..}}, or the body itself. */
    static String message(String body) {
        try {
            JsonNode tree = JSON.readTree(body);
            Iterator<JsonNode> kinds = tree == null ? null : tree.elements();
            if (kinds != null && kinds.hasNext()) {
                JsonNode first = kinds.next();
                if (first.has("message")) {
                    return first.path("message").asText();
                }
            }
        } catch (IOException e) {
            // Not JSON: a proxy's page, say.
        }
        String text = body.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
