package io.pilotd.director.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pilotd.director.store.EndpointAudit;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntConsumer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its answer, with what its audit row says: the answer is written after its
 * audit row, so that a client that has its answer finds the row.
 */
final class Exchange {
    private static final Logger log = LoggerFactory.getLogger(Exchange.class);
    static final ObjectMapper JSON = new ObjectMapper();

    final Request request;
    private final Response response;
    private final Callback callback;
    private final Clock clock;
    private final IntConsumer answered;
    private final String remote;
    private final String path;
    Long keyId;
    /** A verified bearer token's issuer and subject (never the token). */
    String tokenIssuer;
    String tokenSubject;
    /** The hash of its credential (its key, or else its bearer token), or null: computed once, as it arrives. */
    String credential;
    /** The request's credential was accepted (a refusal after is not one of authentication). */
    boolean authenticated;
    /** It took one of its address's requests that may fail authentication ({@link AddressLimits}). */
    boolean reserved;
    String queue;
    String jobName;

    Exchange(Request request, Response response, Callback callback, Clock clock, IntConsumer answered) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.clock = clock;
        this.answered = answered;
        this.remote = Request.getRemoteAddr(request);
        this.path = Request.getPathInContext(request);
    }

    String method() {
        return request.getMethod();
    }

    String path() {
        return path;
    }

    /** The client's address (the one a proxy in front forwarded, on a plain-HTTP endpoint). */
    String remote() {
        return remote;
    }

    /** Answers with a JSON body, after the audit row. */
    void json(EndpointAudit audit, int status, Object body, String outcome) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer cannot be written as JSON", e);
        }
        send(audit, status, "application/json", bytes, outcome);
    }

    void text(EndpointAudit audit, int status, String contentType, String body, String outcome) {
        send(audit, status, contentType, body.getBytes(StandardCharsets.UTF_8), outcome);
    }

    void error(EndpointAudit audit, ApiError error) {
        json(audit, error.status(), errorBody(error), error.getMessage());
    }

    /** Answers with no audit row: a refusal that must cost the database nothing. */
    void unaudited(ApiError error) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(errorBody(error));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer cannot be written as JSON", e);
        }
        answer(error.status(), "application/json", bytes);
    }

    private Map<String, Object> errorBody(ApiError error) {
        if (error.retryAfter() != null) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(Math.max(1, error.retryAfter().toSeconds())));
        }
        if (error.challenge() != null) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, error.challenge());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", error.status());
        body.put("error", HttpStatus.getMessage(error.status()));
        body.put("message", error.getMessage());
        return body;
    }

    private void send(EndpointAudit audit, int status, String contentType, byte[] body, String outcome) {
        try {
            audit.record(new EndpointAudit.Entry(clock.instant(), keyId, tokenIssuer, tokenSubject, remote, method(), path,
                    queue, jobName, status, outcome));
        } catch (RuntimeException e) {
            // The database is away: the request's answer says so already, or its work was done before.
            log.warn("the audit row of {} {} from {} ({}) cannot be written: {}", method(), path, remote, status, e.getMessage());
        }
        answer(status, contentType, body);
    }

    private void answer(int status, String contentType, byte[] body) {
        answered.accept(status);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
