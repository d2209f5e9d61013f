package io.pilotd.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A fake OpenStack on 127.0.0.1 speaking the wire protocols openstack4j speaks: Keystone v3
 * (password and application-credential tokens, in {@code X-Subject-Token}, with a catalog),
 * Nova (servers with multi-create, flavors, key pairs, console output, its image proxy and its
 * legacy extension list, which jclouds' openstack-nova reads), Glance v2 images and
 * Neutron networks. As Nova does, a multi-create names its servers {@code name-1..name-n} and
 * answers with a reservation id; there is no idempotency token. It misbehaves as its
 * {@link CloudBehaviour} says: new servers are listed late, answers are lost after acting.
 */
public final class FakeOpenStack implements AutoCloseable {
    public static final String USER = "pilots";
    public static final String PASSWORD = "pilots-password";
    public static final String DOMAIN = "Default";
    public static final String PROJECT = "dirac";
    public static final String APPLICATION_CREDENTIAL_ID = "3f6a2c0d9b7e4a1f8c5d2e0b9a7c6d4e";
    public static final String APPLICATION_CREDENTIAL_SECRET = "app-credential-secret";
    public static final String REGION = "RegionOne";

    /** Calls that change something at the cloud: their answers may be lost after acting. */
    private static final Set<String> MUTATING = Set.of("Nova.createServer", "Nova.deleteServer");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One server, as Nova keeps it. */
    public static final class Server {
        public final String id = UUID.randomUUID().toString();
        public final String name;
        public final JsonNode request;
        public final Map<String, String> metadata;
        public final String reservationId;
        public final int launchIndex;
        final Instant created;
        volatile String status = "BUILD";
        volatile boolean deleted;
        volatile String fault;
        volatile String console = "";

        Server(String name, JsonNode request, Map<String, String> metadata, String reservationId, int launchIndex,
               Instant created) {
            this.name = name;
            this.request = request;
            this.metadata = metadata;
            this.reservationId = reservationId;
            this.launchIndex = launchIndex;
            this.created = created;
        }

        public String status() {
            return status;
        }

        /** Deleted: Nova lists it no more, and it costs nothing. */
        public boolean deleted() {
            return deleted;
        }

        public String userData() {
            JsonNode data = request.path("user_data");
            return data.isMissingNode() ? "" : new String(java.util.Base64.getDecoder().decode(data.asText()),
                    StandardCharsets.UTF_8);
        }
    }

    /** One request as the fake saw it. */
    public record Call(String operation, String method, String path, String body) {
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-openstack");
        t.setDaemon(true);
        return t;
    });
    public final CloudBehaviour behaviour;
    private final Map<String, Server> servers = new LinkedHashMap<>();
    private final Map<String, Instant> tokens = new ConcurrentHashMap<>();
    public final Map<String, String> flavors = new ConcurrentHashMap<>(Map.of("m1.large", "4"));
    public final Map<String, String> images = new ConcurrentHashMap<>(Map.of("alma9-pilot", "a1b2c3d4-0000-4000-8000-00000000a1a9"));
    public final Map<String, String> networks = new ConcurrentHashMap<>(Map.of("pilots-net", "0e0e0e0e-0000-4000-8000-000000007e75"));
    public final Set<String> keyPairs = ConcurrentHashMap.newKeySet();
    public final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<FakeAws.Reply>> faults = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> plannedLosses = new ConcurrentHashMap<>();
    /** Where the tokens' catalog sends Nova's calls from now on (null: here), e.g. a port nothing listens on. */
    public volatile String computeUrl;
    /** How many more servers the project's quota allows. */
    public volatile int quota = Integer.MAX_VALUE;
    /** Server lists return at most this many per page (Nova's max_limit). */
    public volatile int pageSize = 1000;
    /** How long a new token lives. */
    public volatile Duration tokenLifetime = Duration.ofHours(1);
    /**
     * New servers are ACTIVE at once, for a client that waits for each server to run before it
     * answers (jclouds' openstack-nova does), which the scenarios' clock would otherwise hold forever.
     */
    public volatile boolean activeAtOnce;
    /** When false, a create of more than one server is refused, as by a policy that forbids multi-create. */
    public volatile boolean multiCreate = true;

    public FakeOpenStack() throws IOException {
        this(CloudBehaviour.perfect());
    }

    public FakeOpenStack(CloudBehaviour behaviour) throws IOException {
        this.behaviour = behaviour;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    /** Keystone's v3 endpoint, what a clouds.yaml calls {@code auth_url}. */
    public String authUrl() {
        return base() + "/identity/v3";
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
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
    public void fail(String operation, int times, FakeAws.Reply reply) {
        Deque<FakeAws.Reply> queue = faults.computeIfAbsent(operation, o -> new ArrayDeque<>());
        for (int i = 0; i < times; i++) {
            queue.add(reply);
        }
    }

    /** The next {@code times} calls of the operation act, and their answers are lost (a 503 page). */
    public void loseAnswersAfterActing(String operation, int times) {
        plannedLosses.computeIfAbsent(operation, o -> new AtomicInteger()).addAndGet(times);
    }

    /** Every token issued so far stops working, as when they expire or are revoked. */
    public void expireTokens() {
        tokens.clear();
    }

    /** Every server it ever made, deleted ones too, listed or not. */
    public synchronized List<Server> servers() {
        return List.copyOf(servers.values());
    }

    /** The servers that exist (not deleted), listed or not. */
    public synchronized List<Server> live() {
        return servers.values().stream().filter(s -> !s.deleted).toList();
    }

    public synchronized Server server(String id) {
        return servers.get(id);
    }

    public synchronized void set(String id, String status, String fault) {
        Server s = servers.get(id);
        s.status = status;
        s.fault = fault;
    }

    /** The VM's pilot ended with this status and the VM powered itself off, as pilotd's user-data makes it. */
    public synchronized void pilotEnded(String id, int status) {
        servers.get(id).console += "pilotd-pilot-exit-status: " + status + "\n";
        set(id, "SHUTOFF", null);
    }

    public static FakeAws.Reply novaError(int status, String kind, String message) {
        return new FakeAws.Reply(status, Map.of("Content-Type", "application/json"),
                "{\"" + kind + "\": {\"code\": " + status + ", \"message\": \"" + message + "\"}}");
    }

    private static FakeAws.Reply json(int status, JsonNode body) {
        return new FakeAws.Reply(status, Map.of("Content-Type", "application/json"), body.toString());
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        Map<String, String> query = query(exchange.getRequestURI());
        String operation = operation(method, path);
        calls.add(new Call(operation, method, exchange.getRequestURI().toString(), body));
        behaviour.maybeSlow();
        if (!operation.equals("Keystone.auth") && !tokenValid(exchange.getRequestHeaders().getFirst("X-Auth-Token"))) {
            FakeAws.send(exchange, new FakeAws.Reply(401, Map.of("Content-Type", "application/json"),
                    "{\"error\": {\"code\": 401, \"title\": \"Unauthorized\", \"message\": \"The request you have made"
                            + " requires authentication.\"}}"));
            return;
        }
        AtomicInteger losses = plannedLosses.get(operation);
        boolean lose = losses != null && losses.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        Deque<FakeAws.Reply> planned = faults.get(operation);
        FakeAws.Reply reply = lose || planned == null ? null : planned.poll();
        if (reply != null) {
            FakeAws.send(exchange, reply);
            return;
        }
        CloudBehaviour.Fault fault = operation.equals("Keystone.auth") ? CloudBehaviour.Fault.NONE
                : behaviour.next(operation, MUTATING.contains(operation));
        switch (fault) {
            case THROTTLE -> {
                FakeAws.send(exchange, new FakeAws.Reply(429, Map.of("Content-Type", "application/json", "Retry-After", "1"),
                        "{\"overLimit\": {\"code\": 429, \"message\": \"Rate limit exceeded\"}}"));
                return;
            }
            case SERVER_ERROR -> {
                FakeAws.send(exchange, novaError(500, "computeFault", "The server has either erred or is incapable of"
                        + " performing the requested operation."));
                return;
            }
            default -> {
            }
        }
        String microversion = exchange.getRequestHeaders().getFirst("OpenStack-API-Version");
        reply = answer(operation, path, query, body, microversion == null ? "compute 2.1" : microversion);
        if (lose) {
            FakeAws.send(exchange, FakeAws.Reply.html503());
        } else if (fault == CloudBehaviour.Fault.LOSE_ANSWER) {
            FakeAws.loseAnswer(exchange, reply, behaviour);
        } else {
            FakeAws.send(exchange, reply);
        }
    }

    private static String operation(String method, String path) {
        if (path.endsWith("/auth/tokens")) {
            return "Keystone.auth";
        }
        if (path.startsWith("/image/")) {
            return path.matches("/image/v2/images/?") ? "Glance.listImages" : "Glance.getImage";
        }
        if (path.startsWith("/network/")) {
            return path.matches("/network/v2\\.0/networks/?") ? "Neutron.listNetworks" : "Neutron.getNetwork";
        }
        String nova = path.replaceFirst("^/compute/v2\\.1", "");
        if (nova.matches("/servers/?") && method.equals("POST")) {
            return "Nova.createServer";
        }
        if (nova.matches("/servers(/detail)?/?")) {
            return "Nova.listServers";
        }
        if (nova.matches("/servers/[^/]+/action")) {
            return "Nova.action";
        }
        if (nova.matches("/servers/[^/]+")) {
            return method.equals("DELETE") ? "Nova.deleteServer" : "Nova.getServer";
        }
        if (nova.startsWith("/flavors")) {
            return nova.matches("/flavors(/detail)?/?") ? "Nova.listFlavors" : "Nova.getFlavor";
        }
        if (nova.startsWith("/os-keypairs/")) {
            return "Nova.getKeyPair";
        }
        if (nova.startsWith("/images")) {
            return nova.matches("/images(/detail)?/?") ? "Nova.listImages" : "Nova.getImage";
        }
        if (nova.matches("/extensions/?")) {
            return "Nova.listExtensions";
        }
        return "unknown " + method + " " + path;
    }

    private boolean tokenValid(String token) {
        Instant expires = token == null ? null : tokens.get(token);
        return expires != null && behaviour.clock().instant().isBefore(expires);
    }

    private synchronized FakeAws.Reply answer(String operation, String path, Map<String, String> query, String body,
                                              String microversion) {
        String last = path.substring(path.lastIndexOf('/') + 1);
        return switch (operation) {
            case "Keystone.auth" -> auth(body);
            case "Nova.createServer" -> create(body, microversion);
            case "Nova.listServers" -> list(path, query);
            case "Nova.getServer" -> {
                Server s = servers.get(last);
                yield s == null || s.deleted || !listed(s) ? notFound(last)
                        : json(200, JSON.createObjectNode().set("server", json(s)));
            }
            case "Nova.deleteServer" -> {
                Server s = servers.get(last);
                if (s == null || s.deleted || !listed(s)) {
                    yield notFound(last);
                }
                s.deleted = true;
                s.status = "DELETED";
                quota++;
                yield new FakeAws.Reply(204, Map.of(), "");
            }
            case "Nova.action" -> console(path.split("/")[path.split("/").length - 2], body);
            case "Nova.listFlavors" -> named("flavors", flavors, query, true);
            case "Nova.getFlavor" -> byId("flavor", flavors, last, true);
            case "Nova.getKeyPair" -> keyPairs.contains(last)
                    ? json(200, JSON.createObjectNode().set("keypair", JSON.createObjectNode().put("name", last)
                    .put("fingerprint", "aa:bb").put("public_key", "ssh-ed25519 AAAA")))
                    : novaError(404, "itemNotFound", "Keypair " + last + " not found for user");
            // Nova's proxy of the image service (jclouds' openstack-nova reads images through it).
            case "Nova.listImages" -> {
                ObjectNode answer = JSON.createObjectNode();
                images.forEach((name, id) -> answer.withArray("images").add(novaImage(name, id)));
                yield json(200, answer);
            }
            case "Nova.getImage" -> images.entrySet().stream().filter(e -> e.getValue().equals(last)).findFirst()
                    .map(e -> json(200, JSON.createObjectNode().set("image", novaImage(e.getKey(), e.getValue()))))
                    .orElseGet(() -> novaError(404, "itemNotFound", "Image not found."));
            // The extensions of Nova's legacy API (jclouds asks which it has): none, so it makes no security group.
            case "Nova.listExtensions" -> json(200, JSON.createObjectNode().set("extensions", JSON.createArrayNode()));
            case "Glance.listImages" -> named("images", images, query, false);
            case "Glance.getImage" -> {
                // Glance v2 answers with the image itself, not wrapped as Nova and Neutron do.
                FakeAws.Reply wrapped = byId("image", images, last, false);
                yield wrapped.status() != 200 ? wrapped
                        : json(200, tree(wrapped.body()).path("image"));
            }
            case "Neutron.listNetworks" -> named("networks", networks, query, false);
            case "Neutron.getNetwork" -> byId("network", networks, last, false);
            default -> novaError(404, "itemNotFound", "no such resource: " + path);
        };
    }

    private FakeAws.Reply auth(String body) {
        JsonNode identity = tree(body).path("auth").path("identity");
        boolean password = identity.path("password").path("user").path("name").asText().equals(USER)
                && identity.path("password").path("user").path("password").asText().equals(PASSWORD)
                && identity.path("password").path("user").path("domain").path("name").asText().equals(DOMAIN);
        boolean applicationCredential = identity.path("application_credential").path("id").asText()
                .equals(APPLICATION_CREDENTIAL_ID)
                && identity.path("application_credential").path("secret").asText().equals(APPLICATION_CREDENTIAL_SECRET);
        if (!password && !applicationCredential) {
            return new FakeAws.Reply(401, Map.of("Content-Type", "application/json"), "{\"error\": {\"code\": 401,"
                    + " \"title\": \"Unauthorized\", \"message\": \"The request you have made requires authentication.\"}}");
        }
        String token = "gAAAA" + UUID.randomUUID().toString().replace("-", "");
        Instant issued = behaviour.clock().instant().truncatedTo(ChronoUnit.SECONDS);
        Instant expires = issued.plus(tokenLifetime);
        tokens.put(token, expires);
        ObjectNode t = JSON.createObjectNode();
        t.put("expires_at", expires.toString()).put("issued_at", issued.toString());
        t.putArray("methods").add(password ? "password" : "application_credential");
        t.putObject("user").put("id", "u-1").put("name", USER).putObject("domain").put("id", "default").put("name", DOMAIN);
        t.putObject("project").put("id", "p-1").put("name", PROJECT).putObject("domain").put("id", "default").put("name", DOMAIN);
        t.putArray("roles").addObject().put("id", "r-1").put("name", "member");
        ArrayNode catalog = t.putArray("catalog");
        service(catalog, "compute", "nova", computeUrl != null ? computeUrl : base() + "/compute/v2.1");
        service(catalog, "image", "glance", base() + "/image");
        service(catalog, "network", "neutron", base() + "/network");
        service(catalog, "identity", "keystone", authUrl());
        return new FakeAws.Reply(201, Map.of("Content-Type", "application/json", "X-Subject-Token", token),
                JSON.createObjectNode().set("token", t).toString());
    }

    private static void service(ArrayNode catalog, String type, String name, String url) {
        ObjectNode service = catalog.addObject().put("id", name + "-id").put("type", type).put("name", name);
        ArrayNode endpoints = service.putArray("endpoints");
        for (String face : List.of("public", "internal")) {
            endpoints.addObject().put("id", name + "-" + face).put("interface", face).put("region", REGION)
                    .put("region_id", REGION).put("url", url);
        }
    }

    private FakeAws.Reply create(String body, String microversion) {
        JsonNode request = tree(body).path("server");
        int minor = Integer.parseInt(microversion.substring(microversion.indexOf('.') + 1).trim());
        if (request.path("networks").isTextual() && minor < 37) {
            return novaError(400, "badRequest", "Invalid input for field/attribute networks. Value: "
                    + request.path("networks").asText() + ". '" + request.path("networks").asText() + "' is not of type 'array'");
        }
        int min = request.path("min_count").asInt(1);
        int max = request.path("max_count").asInt(min);
        if (max > 1 && !multiCreate) {
            return novaError(403, "forbidden", "Policy doesn't allow os_compute_api:servers:create:multiple to be performed.");
        }
        String image = request.path("imageRef").asText();
        if (!images.containsValue(image)) {
            return novaError(400, "badRequest", "Can not find requested image");
        }
        if (!flavors.containsValue(request.path("flavorRef").asText())) {
            return novaError(400, "badRequest", "Flavor " + request.path("flavorRef").asText() + " could not be found.");
        }
        if (min > quota) {
            int used = live().size();
            return novaError(403, "forbidden", "Quota exceeded for instances: Requested " + min + ", but already used "
                    + used + " of " + (used + quota) + " instances");
        }
        int count = Math.min(max, quota);
        quota -= count;
        Map<String, String> metadata = new LinkedHashMap<>();
        request.path("metadata").fields().forEachRemaining(e -> metadata.put(e.getKey(), e.getValue().asText()));
        String reservation = "r-" + UUID.randomUUID().toString().substring(0, 8);
        String name = request.path("name").asText();
        Server first = null;
        for (int i = 0; i < count; i++) {
            // Nova's multi_instance_display_name_template: name-1 .. name-n, for more than one.
            Server s = new Server(max > 1 ? name + "-" + (i + 1) : name, request, Map.copyOf(metadata), reservation, i,
                    behaviour.clock().instant());
            s.status = activeAtOnce ? "ACTIVE" : s.status;
            servers.put(s.id, s);
            first = first == null ? s : first;
        }
        if (request.path("return_reservation_id").asBoolean(false)) {
            return json(202, JSON.createObjectNode().put("reservation_id", reservation));
        }
        ObjectNode created = JSON.createObjectNode();
        created.putObject("server").put("id", first.id).put("adminPass", "secret").putArray("links");
        return json(202, created);
    }

    private boolean listed(Server s) {
        return behaviour.listed(s.created);
    }

    /** Nova's filters: name is a regular expression searched in the name; reservation_id, limit and marker. */
    private FakeAws.Reply list(String path, Map<String, String> query) {
        Pattern name = query.containsKey("name") ? Pattern.compile(query.get("name")) : null;
        List<Server> matching = new ArrayList<>();
        for (Server s : servers.values()) {
            if (!s.deleted && listed(s) && (name == null || name.matcher(s.name).find())
                    && (!query.containsKey("reservation_id") || query.get("reservation_id").equals(s.reservationId))) {
                matching.add(s);
            }
        }
        int from = 0;
        if (query.containsKey("marker")) {
            from = -1;
            for (int i = 0; i < matching.size(); i++) {
                if (matching.get(i).id.equals(query.get("marker"))) {
                    from = i + 1;
                }
            }
            if (from < 0) {
                return novaError(400, "badRequest", "marker [" + query.get("marker") + "] not found");
            }
        }
        int limit = Math.min(pageSize, Integer.parseInt(query.getOrDefault("limit", "1000")));
        int to = Math.min(matching.size(), from + limit);
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode list = answer.putArray("servers");
        matching.subList(from, to).forEach(s -> list.add(json(s)));
        // As Nova: a full page links to the next, which may be empty.
        if (to > from && to - from == limit) {
            answer.putArray("servers_links").addObject().put("rel", "next")
                    .put("href", base() + path + "?limit=" + limit + "&marker=" + matching.get(to - 1).id);
        }
        return json(200, answer);
    }

    private static ObjectNode json(Server s) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", s.id).put("name", s.name).put("status", s.status)
                .put("created", s.created.truncatedTo(ChronoUnit.SECONDS).toString())
                .put("updated", s.created.truncatedTo(ChronoUnit.SECONDS).toString())
                .put("OS-EXT-STS:vm_state", s.status.toLowerCase())
                .put("tenant_id", "p-1").put("user_id", "u-1").put("hostId", "");
        ObjectNode metadata = node.putObject("metadata");
        s.metadata.forEach(metadata::put);
        node.putObject("image").put("id", s.request.path("imageRef").asText());
        node.putObject("flavor").put("id", s.request.path("flavorRef").asText());
        node.putObject("addresses");
        node.putArray("links");
        if (s.fault != null) {
            node.putObject("fault").put("code", 500).put("message", s.fault).put("created", s.created.toString());
        }
        return node;
    }

    private static ObjectNode novaImage(String name, String id) {
        ObjectNode image = JSON.createObjectNode().put("id", id).put("name", name).put("status", "ACTIVE")
                .put("minDisk", 0).put("minRam", 0).put("progress", 100)
                .put("created", "2026-01-01T00:00:00Z").put("updated", "2026-01-01T00:00:00Z");
        image.putObject("metadata");
        image.putArray("links");
        return image;
    }

    private FakeAws.Reply console(String id, String body) {
        Server s = servers.get(id);
        if (s == null || s.deleted) {
            return notFound(id);
        }
        if (!tree(body).has("os-getConsoleOutput")) {
            return novaError(400, "badRequest", "unsupported action");
        }
        return json(200, JSON.createObjectNode().put("output", "cloud-init: booted " + s.name + "\n" + s.console));
    }

    private static FakeAws.Reply notFound(String id) {
        return novaError(404, "itemNotFound", "Instance " + id + " could not be found.");
    }

    private static FakeAws.Reply named(String kind, Map<String, String> byName, Map<String, String> query, boolean nova) {
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode list = answer.putArray(kind);
        byName.forEach((name, id) -> {
            if (!query.containsKey("name") || query.get("name").equals(name)) {
                list.add(resource(name, id, nova));
            }
        });
        return json(200, answer);
    }

    private static FakeAws.Reply byId(String kind, Map<String, String> byName, String id, boolean nova) {
        for (Map.Entry<String, String> e : byName.entrySet()) {
            if (e.getValue().equals(id)) {
                return json(200, JSON.createObjectNode().set(kind, resource(e.getKey(), id, nova)));
            }
        }
        return nova ? novaError(404, "itemNotFound", "Flavor " + id + " could not be found.")
                : new FakeAws.Reply(404, Map.of("Content-Type", "application/json"),
                "{\"NeutronError\": {\"type\": \"NotFound\", \"message\": \"" + kind + " " + id + " could not be found.\"}}");
    }

    private static ObjectNode resource(String name, String id, boolean nova) {
        ObjectNode node = JSON.createObjectNode().put("id", id).put("name", name).put("status", "active");
        if (nova) {
            node.put("ram", 8192).put("vcpus", 4).put("disk", 40);
        }
        return node;
    }

    /** A request's query parameters, decoded: the fakes' way of reading them. */
    static Map<String, String> query(URI uri) {
        Map<String, String> query = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    query.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return query;
    }

    private static JsonNode tree(String body) {
        try {
            return body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + body, e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
