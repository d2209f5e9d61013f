package io.pilotd.director.endpoint;

import io.pilotd.director.cycle.DecidingFactor;
import io.pilotd.director.cycle.PilotFollower;
import io.pilotd.director.cycle.SubmitResult;
import io.pilotd.director.cycle.Submitter;
import io.pilotd.director.dirac.DiracReference;
import io.pilotd.director.store.DatabaseHealth;
import io.pilotd.director.store.EndpointAudit;
import io.pilotd.director.store.EndpointJobs;
import io.pilotd.director.store.EndpointKeys;
import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueRow;
import io.pilotd.director.store.QueueStore;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.Durations;
import io.pilotd.driver.api.RetryableDriverException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntConsumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API of the serverless endpoint (its OpenAPI document: {@code endpoint/openapi.yaml}):
 * {@code POST /submitjob}, and {@code GET}/{@code DELETE /jobs/<name>} and its output.
 *
 * <p>A request body is read without a thread, up to {@code endpoint.maxBodyKiB}; the work (the
 * database, the cloud) runs on a bounded pool of workers, so a slow or hostile client holds a
 * connection at most, and the endpoint answers others.
 */
final class EndpointApi extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(EndpointApi.class);
    private static final String KEY_HEADER = "x-api-key";
    private static final String JOBS = "/jobs/";
    private static final String OUTPUT = "/output";
    static final String OPENAPI = "/openapi.yaml";

    private final EndpointKeys keys;
    private final EndpointJobs jobs;
    private final EndpointAudit audit;
    private final QueueStore queues;
    private final PilotStore pilots;
    private final PilotFollower follower;
    private final Submitter submitter;
    private final EndpointDrivers drivers;
    private final ProxyCheck proxies;
    private final RateLimits rates;
    private final AddressLimits addresses;
    private final BearerTokens tokens;
    private final Set<String> served;
    private final int maxBody;
    private final Executor workers;
    private final Clock clock;
    private final String openApi;
    private final IntConsumer answered;

    record Parts(EndpointKeys keys, EndpointJobs jobs, EndpointAudit audit, QueueStore queues, PilotStore pilots,
                 Submitter submitter, EndpointDrivers drivers, ProxyCheck proxies, RateLimits rates, AddressLimits addresses,
                 BearerTokens tokens) {
    }

    /**
     * @param served  the queues of the config: the endpoint starts pilots of these only
     * @param maxBody the largest body taken, in bytes
     */
    EndpointApi(Parts parts, Set<String> served, int maxBody, Executor workers, Clock clock, String openApi,
                IntConsumer answered) {
        this.keys = parts.keys();
        this.jobs = parts.jobs();
        this.audit = parts.audit();
        this.queues = parts.queues();
        this.pilots = parts.pilots();
        this.follower = new PilotFollower(parts.pilots());
        this.submitter = parts.submitter();
        this.drivers = parts.drivers();
        this.proxies = parts.proxies();
        this.rates = parts.rates();
        this.addresses = parts.addresses();
        this.tokens = parts.tokens();
        this.served = Set.copyOf(served);
        this.maxBody = maxBody;
        this.workers = workers;
        this.clock = clock;
        this.openApi = openApi;
        this.answered = answered;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange x = new Exchange(request, response, callback, clock, answered);
        x.credential = credential(request);
        AddressLimits.Admission admission = addresses.admit(x.remote(), x.credential);
        if (admission.refusedFor() != null) {
            Duration wait = admission.refusedFor();
            x.unaudited(new ApiError(429, "too many requests from " + AddressLimits.key(x.remote())
                    + " failed authentication: try again in " + Durations.format(Duration.ofSeconds(Math.max(1, wait.toSeconds())))
                    + " (endpoint.failedAuthPerMinute)", wait));
            return true;
        }
        x.reserved = admission.reserved();
        if (!"POST".equals(request.getMethod()) || !"/submitjob".equals(x.path())) {
            // Whatever came with another request is not read: it is dropped with the connection if it is large.
            work(x, null, null);
            return true;
        }
        long length = request.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        if (length > maxBody) {
            work(x, null, new ApiError(413, "the body is " + length + " bytes, more than the " + maxBody
                    + " this endpoint takes (endpoint.maxBodyKiB)"));
            return true;
        }
        Content.Source.asByteArrayAsync(request, maxBody).whenComplete((body, failure) -> work(x, body, unread(failure)));
        return true;
    }

    /** Why a body could not be read: more than it may be (Jetty's reader stops there), or a broken request. */
    private ApiError unread(Throwable failure) {
        if (failure == null) {
            return null;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof IllegalStateException
                ? new ApiError(413, "the body is more than the " + maxBody + " bytes this endpoint takes (endpoint.maxBodyKiB)")
                : new ApiError(400, "the body could not be read: " + cause.getClass().getSimpleName());
    }

    /** Hands the request to a worker; when all are busy and the line is full, answers 503 at once. */
    private void work(Exchange x, byte[] body, ApiError early) {
        try {
            workers.execute(() -> serve(x, body, early));
        } catch (RejectedExecutionException e) {
            if (x.reserved) {
                addresses.release(x.remote());
            }
            x.error(audit, new ApiError(503, "the endpoint is busy: try again shortly", Duration.ofSeconds(5)));
        }
    }

    private void serve(Exchange x, byte[] body, ApiError early) {
        boolean failed = false;
        try {
            if (early != null) {
                throw early;
            }
            route(x, body);
        } catch (ApiError e) {
            failed = !x.authenticated && e.status() >= 400 && e.status() < 500;
            x.error(audit, e);
        } catch (RuntimeException e) {
            if (DatabaseHealth.isConnectionFailure(e)) {
                x.error(audit, new ApiError(503, "the endpoint cannot reach its database now: try again shortly",
                        Duration.ofSeconds(30)));
            } else {
                log.error("endpoint: {} {} failed", x.method(), x.path(), e);
                x.error(audit, new ApiError(500, "the endpoint failed on this request; its log says why"));
            }
        } finally {
            if (x.reserved && !failed) {
                addresses.release(x.remote());
            }
        }
    }

    private void route(Exchange x, byte[] body) throws ApiError {
        String path = x.path();
        String method = x.method();
        if (path.equals("/submitjob")) {
            allow(method, "POST");
            submit(x, body);
        } else if (path.equals(OPENAPI)) {
            allow(method, "GET");
            x.text(audit, 200, "application/yaml", openApi, "the OpenAPI document");
        } else if (path.equals("/jobs")) {
            allow(method, "GET");
            list(x);
        } else if (path.startsWith(JOBS) && path.endsWith(OUTPUT) && path.length() > JOBS.length() + OUTPUT.length()) {
            allow(method, "GET");
            output(x, path.substring(JOBS.length(), path.length() - OUTPUT.length()));
        } else if (path.startsWith(JOBS) && path.length() > JOBS.length()) {
            allow(method, "GET", "DELETE");
            String name = path.substring(JOBS.length());
            if (method.equals("GET")) {
                status(x, name);
            } else {
                delete(x, name);
            }
        } else {
            throw new ApiError(404, "no such resource: the API is POST /submitjob, GET /jobs, GET and DELETE /jobs/<name>,"
                    + " GET /jobs/<name>/output (" + OPENAPI + ")");
        }
    }

    private static void allow(String method, String... allowed) throws ApiError {
        if (!List.of(allowed).contains(method)) {
            throw new ApiError(405, method + " is not allowed here: " + String.join(", ", allowed));
        }
    }

    private void submit(Exchange x, byte[] body) throws ApiError {
        Fields query = query(x);
        x.queue = JobRequest.queue(query.getValue("queue"));
        x.jobName = JobRequest.jobName(query.getValue("job_name"));
        Caller caller = authenticate(x, Right.SUBMIT);
        if (!caller.queues().contains(x.queue)) {
            throw new ApiError(403, caller.name() + " may not use the queue " + x.queue + " (its queues: "
                    + String.join(", ", caller.queues()) + ")");
        }
        Optional<EndpointJobs.Job> existing = jobs.find(x.jobName);
        if (existing.isPresent()) {
            again(x, caller, existing.get());
            return;
        }
        if (!served.contains(x.queue)) {
            throw new ApiError(404, "no queue " + x.queue + " at this endpoint");
        }
        JobRequest job = JobRequest.parse(x.queue, x.jobName, body);
        QueueRow queue = queues.get(x.queue);
        Instant now = clock.instant();
        proxies.check(job.proxyPem(), caller, queue, now);
        // A name tried before whose submission started nothing gets a stamp of pilotd's: its own is the Aborted pilot's.
        String stamp = job.stampOrNull() == null || pilots.find(job.stampOrNull()).isPresent() ? null : job.stampOrNull();
        SubmitResult result;
        try {
            result = drivers.call(queue.driverSetupId(), driver -> submitter.submit(x.queue, driver, new Submitter.Supplied(
                    stamp, job.proxyPem(), job.wrapper(), (h, s) -> EndpointJobs.insert(h, x.jobName, s, caller.owner()))));
        } catch (DriverException | IllegalStateException e) {
            throw new ApiError(503, "the queue " + x.queue + "'s driver cannot be used: " + e.getMessage(), Duration.ofMinutes(1));
        } catch (RuntimeException e) {
            if (!uniqueViolation(e)) {
                throw e;
            }
            // Two requests of one name at once: the other wrote its row first.
            Optional<EndpointJobs.Job> other = jobs.find(x.jobName);
            if (other.isEmpty()) {
                throw new ApiError(409, "the job name " + x.jobName + " is the stamp of a pilot this endpoint did not start");
            }
            again(x, caller, other.get());
            return;
        }
        answer(x, queue, result);
    }

    /** A retried request: the job it made before, whatever the request carries now. */
    private void again(Exchange x, Caller caller, EndpointJobs.Job job) throws ApiError {
        if (!caller.queues().contains(job.pilot().queue())) {
            throw new ApiError(409, "the job name " + x.jobName + " is taken: choose another");
        }
        if (!job.pilot().queue().equals(x.queue)) {
            throw new ApiError(409, "the job " + x.jobName + " was submitted to the queue " + job.pilot().queue()
                    + ", not " + x.queue + ": choose another name");
        }
        x.json(audit, 200, view(job), "the job " + x.jobName + " exists: pilot " + job.pilot().stamp() + ", nothing started");
    }

    private void answer(Exchange x, QueueRow queue, SubmitResult result) throws ApiError {
        if (result.submitted() == 1) {
            EndpointJobs.Job job = jobs.find(x.jobName).orElseThrow();
            x.json(audit, 201, view(job), "started pilot " + job.pilot().stamp() + " as " + job.pilot().jobRef());
            return;
        }
        if (result.decision().count() == 0) {
            throw refusal(queue, result.decision().factor());
        }
        if (result.aborted().isEmpty()) {
            // The cloud's answer was lost: the director asks the cloud, and the job's status says what it found.
            EndpointJobs.Job job = jobs.find(x.jobName).orElseThrow();
            x.json(audit, 202, view(job), "pilot " + job.pilot().stamp() + ": " + result.error());
            return;
        }
        // Nothing was started: the name is free for a request that tries again.
        jobs.forget(x.jobName);
        if (result.failure() == SubmitResult.Failure.CLOUD) {
            throw new ApiError(503, "the queue " + x.queue + "'s cloud did not take the pilot now: " + result.error(),
                    Duration.ofMinutes(1));
        }
        throw new ApiError(502, "the queue " + x.queue + "'s cloud " + result.error());
    }

    private ApiError refusal(QueueRow queue, DecidingFactor factor) {
        String name = queue.name();
        return switch (factor) {
            case maxWaiting -> new ApiError(409, "the queue " + name + " has its " + queue.maxWaiting()
                    + " pilots waiting (limits.maxWaiting): try again once some run");
            case maxRunning -> new ApiError(409, "the queue " + name + " has its " + queue.maxRunning()
                    + " pilots alive (limits.maxRunning): try again once some end");
            case maxPerCycle -> new ApiError(409, "the queue " + name + " takes no pilot now (limits.maxPerCycle is "
                    + queue.maxPerCycle() + ")");
            case siteMaxRunning, siteMaxWaiting, siteMaxCores -> new ApiError(409, "the site " + queue.site()
                    + " of the queue " + name + " is at its cap (" + factor + ")");
            case disabled -> new ApiError(409, "the queue " + name + " is disabled");
            case backoff, failingPilots -> new ApiError(503, "the queue " + name + " backs off after failures"
                    + (queue.backoffUntil() == null ? "" : " until " + queue.backoffUntil()) + ": "
                    + (queue.backoffReason() == null ? factor.name() : queue.backoffReason()),
                    queue.backoffUntil() == null ? Duration.ofMinutes(1)
                            : Duration.between(clock.instant(), queue.backoffUntil()));
            default -> new ApiError(409, "the queue " + name + " takes no pilot now (" + factor + ")");
        };
    }

    /** The live jobs this key asked for: what its director reconciles its pilots against. */
    private void list(Exchange x) throws ApiError {
        x.queue = query(x).getValue("queue");
        Caller caller = authenticate(x, Right.READ);
        List<Map<String, Object>> live = jobs.live(caller.owner(), x.queue).stream().map(EndpointApi::view).toList();
        x.json(audit, 200, Map.of("jobs", live), live.size() + " live job(s)");
    }

    private void status(Exchange x, String name) throws ApiError {
        x.jobName = name;
        EndpointJobs.Job job = visibleJob(x, name, Right.READ).job();
        x.json(audit, 200, view(job), "status " + job.pilot().status());
    }

    private void delete(Exchange x, String name) throws ApiError {
        x.jobName = name;
        Visible visible = visibleJob(x, name, Right.CANCEL);
        EndpointJobs.Job job = visible.job();
        PilotRecord pilot = job.pilot();
        if (pilot.status().isFinal()) {
            x.json(audit, 200, view(job), "already " + pilot.status());
            return;
        }
        if (pilot.jobRef() == null) {
            throw new ApiError(409, "the cloud has not answered for the job " + name + " yet: try again shortly",
                    Duration.ofSeconds(30));
        }
        String reason = "killed through the endpoint by " + visible.caller().name();
        try {
            drivers.call(pilot.driverSetupId(), driver -> follower.kill(List.of(pilot), driver, reason));
        } catch (RetryableDriverException e) {
            throw new ApiError(503, "the cloud cannot kill the job " + name + " now: " + e.getMessage(), Duration.ofMinutes(1));
        } catch (DriverException | IllegalStateException e) {
            throw new ApiError(503, "the job " + name + " cannot be killed: " + e.getMessage());
        }
        x.json(audit, 200, view(jobs.findOrPilot(name).orElseThrow()), "killed pilot " + pilot.stamp());
    }

    private void output(Exchange x, String name) throws ApiError {
        x.jobName = name;
        EndpointJobs.Job job = visibleJob(x, name, Right.READ).job();
        String jobRef = job.pilot().jobRef();
        if (jobRef == null) {
            throw new ApiError(404, "the job " + name + " has no output yet: the cloud has not answered for it");
        }
        Optional<String> text;
        try {
            text = drivers.call(job.pilot().driverSetupId(), driver -> driver.output(jobRef));
        } catch (DriverException | IllegalStateException e) {
            throw new ApiError(503, "the output of the job " + name + " cannot be read now: " + e.getMessage(),
                    Duration.ofMinutes(1));
        }
        if (text.isEmpty()) {
            throw new ApiError(404, "the queue's cloud keeps no output of the job " + name + " (yet)");
        }
        x.text(audit, 200, "text/plain; charset=utf-8", text.get(), "output of pilot " + job.pilot().stamp());
    }

    private record Visible(Caller caller, EndpointJobs.Job job) {
    }

    /**
     * The job, or the pilot of that stamp, when the request's caller may see it: one of another
     * caller's queues is as absent as none.
     */
    private Visible visibleJob(Exchange x, String name, Right right) throws ApiError {
        JobRequest.jobName(name);
        Caller caller = authenticate(x, right);
        Optional<EndpointJobs.Job> job = jobs.findOrPilot(name);
        if (job.isEmpty() || !caller.queues().contains(job.get().pilot().queue())) {
            throw new ApiError(404, "no job named " + name);
        }
        x.queue = job.get().pilot().queue();
        return new Visible(caller, job.get());
    }

    /** The hash of the request's credential (its key or its bearer token), or null when it carries none. */
    private static String credential(Request request) {
        String secret = request.getHeaders().get(KEY_HEADER);
        if (secret != null && !secret.isBlank()) {
            return ApiKeySecret.hash(secret.strip());
        }
        String token = bearer(request.getHeaders().get(HttpHeader.AUTHORIZATION));
        return token == null ? null : ApiKeySecret.hash(token);
    }

    /** The token of an {@code Authorization: Bearer} header (RFC 6750 §2.1), or null. */
    private static String bearer(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = authorization.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    /**
     * Who the request is, by its API key or its bearer token, when it may do {@code right}.
     *
     * @throws ApiError 400 for two credentials or a malformed one, 401 for none or a bad one, 403
     *                  for a token without the right or a queue, 429 past the caller's rate
     */
    private Caller authenticate(Exchange x, Right right) throws ApiError {
        String secret = x.request.getHeaders().get(KEY_HEADER);
        String authorization = x.request.getHeaders().get(HttpHeader.AUTHORIZATION);
        boolean hasKey = secret != null && !secret.isBlank();
        String challenge = tokens.any() ? BearerTokens.challenge() : null;
        if (hasKey && authorization != null) {
            throw new ApiError(400, "a request carries one credential, an x-api-key or an Authorization: Bearer token, not both",
                    null, challenge == null ? null : challenge + ", error=\"invalid_request\"");
        }
        Caller caller;
        if (authorization != null) {
            caller = token(x, authorization, right);
        } else if (hasKey) {
            caller = key(x, x.credential);
        } else {
            throw new ApiError(401, tokens.any()
                    ? "no credential: an x-api-key header (pilotd endpoint key add) or an Authorization: Bearer token"
                    : "no x-api-key header: the endpoint's operator gives keys (pilotd endpoint key add)", null, challenge);
        }
        x.authenticated = true;
        addresses.accepted(x.credential);
        Optional<Duration> wait = rates.take(caller.rateKey(), caller.ratePerMinute());
        if (wait.isPresent()) {
            throw new ApiError(429, caller.name() + " may make " + caller.ratePerMinute()
                    + " requests a minute: try again in " + Durations.format(Duration.ofSeconds(Math.max(1, wait.get().toSeconds()))),
                    wait.get());
        }
        return caller;
    }

    private Caller token(Exchange x, String authorization, Right right) throws ApiError {
        if (!tokens.any()) {
            throw new ApiError(401, "this endpoint takes no bearer tokens (endpoint.tokens): use an x-api-key");
        }
        String token = bearer(authorization);
        if (token == null) {
            throw new ApiError(400, "the Authorization header is not 'Bearer <token>'", null,
                    BearerTokens.challenge() + ", error=\"invalid_request\"");
        }
        BearerTokens.Verified verified = tokens.verify(token, right);
        x.tokenIssuer = verified.issuer();
        x.tokenSubject = verified.subject();
        return verified.caller();
    }

    private Caller key(Exchange x, String hash) throws ApiError {
        EndpointKeys.Key key = keys.byHash(hash).orElseThrow(() -> new ApiError(401, "the x-api-key is not a key of this endpoint"));
        x.keyId = key.id();
        Optional<String> unusable = key.unusable(clock.instant());
        if (unusable.isPresent()) {
            throw new ApiError(401, unusable.get());
        }
        return new Caller("the key " + key.name(), key.vo(), key.queues(), key.ratePerMinute(), "key " + key.id(),
                EndpointJobs.Owner.key(key.id()));
    }

    private static Fields query(Exchange x) throws ApiError {
        try {
            return Request.extractQueryParameters(x.request);
        } catch (RuntimeException e) {
            throw new ApiError(400, "the query cannot be read: it must be UTF-8, percent-encoded");
        }
    }

    /** A job as the API shows it: pilotd's names, and DIRAC's status. */
    static Map<String, Object> view(EndpointJobs.Job job) {
        PilotRecord pilot = job.pilot();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("jobName", job.jobName());
        view.put("stamp", pilot.stamp());
        view.put("queue", pilot.queue());
        view.put("jobRef", pilot.jobRef());
        view.put("pilotReference", DiracReference.of(pilot.stamp()));
        view.put("jobId", pilot.nativeId());
        view.put("status", pilot.status().diracName());
        view.put("statusReason", pilot.statusReason());
        view.put("submittedAt", pilot.submittedAt().toString());
        view.put("updatedAt", pilot.updatedAt().toString());
        return view;
    }

    private static boolean uniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
