package io.pilotd.driver.serverless;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.PartlyRefusedException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.driver.api.RetryableDriverException;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pilots through a serverless computing endpoint (pilotd's own, {@code pilotd endpoint}, or the
 * API-gateway one): one {@code POST /submitjob?queue=<q>&job_name=<stamp>} per pilot, with the
 * pilot's proxy and wrapper, base64, in JSON. A pilot's jobRef is {@code <endpoint host>/<stamp>};
 * the id the endpoint answers with ({@code jobId}) is its native id.
 *
 * <p>Where the endpoint has job URLs ({@code jobUrls}), status, kill, output and the listing of
 * this key's live jobs go through them: status reads the listing once, and asks one URL only
 * for a pilot it does not show. Without them, nothing is followed: the endpoint lists none of its pilots, and they become Unknown once
 * the consistency window has passed, as DESIGN §7 says of pilots a cloud does not show.
 */
final class ServerlessDriver implements PilotDriver {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServerlessConfig config;
    private final DriverContext context;
    private final EndpointClient client;
    /**
     * The endpoint's ids of pilots, by jobRef, from the answers to submissions and look-ups, kept
     * until the director records them (it asks right after each): never more than a batch's.
     */
    private final Map<String, String> nativeIds = new ConcurrentHashMap<>();

    ServerlessDriver(ServerlessConfig config, DriverContext context, EndpointClient client) {
        this.config = config;
        this.context = context;
        this.client = client;
    }

    @Override
    public Map<String, String> submit(PilotRequest request) throws DriverException {
        String proxy = request.payload().secrets().get(PilotPayload.PROXY_VARIABLE);
        if (proxy == null) {
            throw new DriverException("the serverless endpoint takes pilots with a proxy only: set proxy.file for the queue");
        }
        if (request.payload().wrapper().isEmpty()) {
            throw new DriverException("the serverless endpoint runs the DIRAC pilot wrapper: set pilot.locations for the queue");
        }
        byte[] body = body(proxy, request.payload().wrapper());
        Map<String, String> started = new LinkedHashMap<>();
        for (String stamp : request.stamps()) {
            try {
                started.put(stamp, submitOne(stamp, body));
            } catch (OutcomeUnknownException e) {
                throw started.isEmpty() ? e : new OutcomeUnknownException(started.size() + " of " + request.count()
                        + " pilots started, then: " + e.getMessage());
            } catch (DriverException e) {
                if (started.isEmpty()) {
                    throw e;
                }
                // The others started; this one and the rest were not: refused, in the endpoint's words.
                throw new PartlyRefusedException(started.size() + " of " + request.count() + " pilots started, then: "
                        + e.getMessage(), started, request.stamps().subList(started.size(), request.count()));
            }
        }
        return started;
    }

    private static byte[] body(String proxyBase64, String wrapper) {
        ObjectNode body = JSON.createObjectNode()
                .put("proxyFileEncoded", proxyBase64)
                .put("wrapperFileEncoded", Base64.getEncoder().encodeToString(wrapper.getBytes(StandardCharsets.UTF_8)));
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String submitOne(String stamp, byte[] body) throws DriverException {
        EndpointClient.Reply reply;
        try {
            reply = client.send("POST", "/submitjob?queue=" + encode(config.queue()) + "&job_name=" + stamp, body);
        } catch (EndpointClient.NotSent e) {
            throw new RetryableDriverException(e.getMessage(), e);
        } catch (IOException e) {
            throw new OutcomeUnknownException("the answer of " + client.where() + " was lost: " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OutcomeUnknownException("interrupted while waiting for " + client.where(), e);
        }
        if (reply.ok()) {
            // 202 too: the endpoint has the job (its cloud's answer was lost there), and follows it.
            String jobRef = jobRef(stamp);
            learn(jobRef, json(reply.body()));
            return jobRef;
        }
        String why = message(reply);
        switch (reply.status()) {
            case 401, 403 -> throw new DriverException("the endpoint refused the key (" + reply.status() + "): " + why);
            case 409, 429, 503 -> throw new RetryableDriverException("the endpoint took no pilot now (" + reply.status()
                    + "): " + why);
            default -> {
                if (reply.status() >= 500 && reply.status() != 501 && reply.status() != 502) {
                    throw new OutcomeUnknownException("the endpoint answered " + reply.status() + ": " + why);
                }
                throw new DriverException("the endpoint refused the pilot (" + reply.status() + "): " + why);
            }
        }
    }

    @Override
    public BatchLookup lookUp(PilotRequest request, String directorId) throws DriverException {
        if (!config.jobUrls()) {
            return new BatchLookup(Map.of(), false);
        }
        Map<String, String> found = new LinkedHashMap<>();
        for (String stamp : request.stamps()) {
            Optional<JsonNode> job = job(stamp);
            if (job.isPresent()) {
                found.put(stamp, jobRef(stamp));
                learn(jobRef(stamp), job.get());
            }
        }
        // A request still in flight at the endpoint is not shown yet: absence is never definite.
        return new BatchLookup(found, found.size() == request.count());
    }

    /**
     * One listing of the key's live jobs answers for every pilot it shows; a pilot it does not
     * (one that has ended, or is not shown yet) is asked about by its own URL.
     */
    @Override
    public Map<String, PilotState> status(List<String> jobRefs) throws DriverException {
        Map<String, PilotState> states = new LinkedHashMap<>();
        if (!config.jobUrls()) {
            return states;
        }
        Map<String, JsonNode> live = new LinkedHashMap<>();
        for (JsonNode job : liveJobs()) {
            live.put(job.path("jobName").asText(), job);
        }
        for (String jobRef : jobRefs) {
            Optional<String> stamp = stamp(jobRef);
            if (stamp.isEmpty()) {
                continue;
            }
            JsonNode job = live.get(stamp.get());
            if (job != null) {
                states.put(jobRef, state(job));
            } else {
                job(stamp.get()).ifPresent(ended -> states.put(jobRef, state(ended)));
            }
        }
        return states;
    }

    @Override
    public void kill(List<String> jobRefs) throws DriverException {
        if (!config.jobUrls()) {
            throw new DriverException("the endpoint " + client.where() + " has no job URLs (jobUrls: false): its pilots"
                    + " cannot be killed from here, they end by themselves");
        }
        for (String jobRef : jobRefs) {
            Optional<String> stamp = stamp(jobRef);
            if (stamp.isEmpty()) {
                continue;
            }
            EndpointClient.Reply reply = read("DELETE", "/jobs/" + stamp.get());
            if (reply.status() == 409 || reply.status() == 429 || reply.status() >= 500) {
                throw new RetryableDriverException("the endpoint cannot kill " + jobRef + " now (" + reply.status() + "): "
                        + message(reply));
            }
            if (!reply.ok() && reply.status() != 404) {
                throw new DriverException("the endpoint refused to kill " + jobRef + " (" + reply.status() + "): "
                        + message(reply));
            }
        }
    }

    @Override
    public Optional<String> output(String jobRef) throws DriverException {
        Optional<String> stamp = stamp(jobRef);
        if (!config.jobUrls() || stamp.isEmpty()) {
            return Optional.empty();
        }
        EndpointClient.Reply reply = read("GET", "/jobs/" + stamp.get() + "/output");
        if (reply.status() == 404) {
            return Optional.empty();
        }
        if (!reply.ok()) {
            throw failed("the output of " + jobRef, reply);
        }
        return Optional.of(reply.body());
    }

    /**
     * The live jobs of this driver's key: a key is one director's credential, so they are this
     * director's pilots, and none is another's.
     */
    @Override
    public List<OwnedPilot> listOwned(String directorId) throws DriverException {
        List<OwnedPilot> owned = new ArrayList<>();
        if (!config.jobUrls() || !directorId.equals(context.directorId())) {
            return owned;
        }
        for (JsonNode job : liveJobs()) {
            String stamp = job.path("jobName").asText();
            owned.add(new OwnedPilot(stamp, jobRef(stamp), state(job), instant(job.path("submittedAt").asText(null))));
        }
        return owned;
    }

    @Override
    public Optional<String> nativeId(String jobRef) {
        return Optional.ofNullable(nativeIds.remove(jobRef));
    }

    @Override
    public Duration consistencyWindow() {
        return config.consistencyWindow();
    }

    /** The live jobs of this driver's key and queue, in one call. */
    private JsonNode liveJobs() throws DriverException {
        EndpointClient.Reply reply = read("GET", "/jobs?queue=" + encode(config.queue()));
        if (!reply.ok()) {
            throw failed("the endpoint's jobs", reply);
        }
        return json(reply.body()).path("jobs");
    }

    /** The job of this name, as the endpoint shows it, or empty when it has none. */
    private Optional<JsonNode> job(String stamp) throws DriverException {
        EndpointClient.Reply reply = read("GET", "/jobs/" + stamp);
        if (reply.status() == 404) {
            return Optional.empty();
        }
        if (!reply.ok()) {
            throw failed("the job " + stamp, reply);
        }
        return Optional.of(json(reply.body()));
    }

    /** A call that changes nothing, or whose repetition changes nothing more: any failure is "I don't know". */
    private EndpointClient.Reply read(String method, String path) throws DriverException {
        try {
            return client.send(method, path, null);
        } catch (IOException e) {
            throw new RetryableDriverException("no answer from " + client.where() + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableDriverException("interrupted while waiting for " + client.where(), e);
        }
    }

    private static DriverException failed(String what, EndpointClient.Reply reply) {
        String why = what + ": the endpoint answered " + reply.status() + ": " + message(reply);
        return reply.status() == 429 || reply.status() >= 500 ? new RetryableDriverException(why) : new DriverException(why);
    }

    private void learn(String jobRef, JsonNode job) {
        String id = job.path("jobId").asText(null);
        if (id != null && !id.isEmpty()) {
            nativeIds.put(jobRef, id);
        }
    }

    private static PilotState state(JsonNode job) {
        String status = job.path("status").asText("");
        String reason = job.path("statusReason").asText("");
        try {
            return PilotState.of(PilotStatus.valueOf(status), reason);
        } catch (IllegalArgumentException e) {
            return PilotState.of(PilotStatus.Unknown, "the endpoint says '" + status + "'");
        }
    }

    private String jobRef(String stamp) {
        return config.host() + "/" + stamp;
    }

    private Optional<String> stamp(String jobRef) {
        String prefix = config.host() + "/";
        return jobRef.startsWith(prefix) ? Optional.of(jobRef.substring(prefix.length())) : Optional.empty();
    }

    /** The endpoint's message: its JSON "message", or the start of its body (API gateway's errors are JSON too). */
    private static String message(EndpointClient.Reply reply) {
        JsonNode message = json(reply.body()).path("message");
        if (message.isTextual()) {
            return message.asText();
        }
        String body = reply.body() == null ? "" : reply.body().strip();
        return body.isEmpty() ? "(no message)" : body.substring(0, Math.min(200, body.length()));
    }

    private static JsonNode json(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? null : JSON.readTree(body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
