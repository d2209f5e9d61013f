package io.pilotd.driver.openstack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.Pace;
import io.pilotd.driver.api.RetryableDriverException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import org.openstack4j.api.OSClient;
import org.openstack4j.api.exceptions.AuthenticationException;
import org.openstack4j.api.types.Facing;
import org.openstack4j.core.transport.Config;
import org.openstack4j.core.transport.ObjectMapperSingleton;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.identity.v3.Endpoint;
import org.openstack4j.model.identity.v3.Service;
import org.openstack4j.model.identity.v3.Token;
import org.openstack4j.openstack.OSFactory;
import org.openstack4j.openstack.identity.v3.domain.KeystoneToken;

/**
 * The queue's Keystone v3 token, renewed before it expires (in its last fifth, and 5 minutes
 * before at most, so that a token of a few minutes is used for most of its life) and after the
 * cloud refused it. A password is sent through openstack4j; an application credential, which
 * openstack4j 3.12 cannot send, by a request of its own, its answer read into openstack4j's
 * token. openstack4j binds a client to its thread: each call takes one made from the current
 * token.
 */
final class Keystone {
    private static final Duration RENEW_BEFORE = Duration.ofMinutes(5);
    private static final int RENEW_IN_LAST = 5;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeystoneCredentials credentials;
    private final Config transport;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    private final int callsPerSecond;
    private Token token;

    /** @param callsPerSecond the pace of Nova's calls (twice as many at once) */
    Keystone(KeystoneCredentials credentials, HttpClient http, Duration timeout, Clock clock, int callsPerSecond) {
        this.credentials = credentials;
        this.callsPerSecond = callsPerSecond;
        this.clock = clock;
        this.http = http;
        this.timeout = timeout;
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        this.transport = Config.newConfig().withConnectionTimeout(millis).withReadTimeout(millis);
    }

    synchronized Token token() throws DriverException {
        if (token == null || dueForRenewal(token, clock.instant())) {
            token = authenticate();
        }
        return token;
    }

    /** In the last fifth of its life (as Keystone gave it), or its last 5 minutes, whichever is shorter. */
    static boolean dueForRenewal(Token token, Instant now) {
        Instant expires = token.getExpires().toInstant();
        Duration before = RENEW_BEFORE;
        if (token.getIssuedAt() != null && token.getIssuedAt().toInstant().isBefore(expires)) {
            Duration fifth = Duration.between(token.getIssuedAt().toInstant(), expires).dividedBy(RENEW_IN_LAST);
            before = fifth.compareTo(before) < 0 ? fifth : before;
        }
        return !now.isBefore(expires.minus(before));
    }

    /** The cloud refused this token (revoked, or expired early): the next call gets a new one. */
    synchronized void refused(Token stale) {
        if (token == stale) {
            token = null;
        }
    }

    /** What an openstack4j call does with a client. */
    interface Call<T> {
        T on(OSClient.OSClientV3 os) throws DriverException;
    }

    /**
     * Runs openstack4j calls on a client bound to this thread, with the current token. A token
     * the cloud refuses is renewed and the calls run once more: openstack4j renews a password's
     * token itself (the new one is kept here), but fails on an application credential's.
     */
    <T> T call(String what, Call<T> call) throws DriverException {
        Token used = token();
        try {
            return run(used, call);
        } catch (RuntimeException e) {
            if (!refusedToken(e)) {
                throw OpenStackErrors.read(what, e);
            }
            refused(used);
        }
        try {
            return run(token(), call);
        } catch (RuntimeException e) {
            throw OpenStackErrors.read(what, e);
        }
    }

    private <T> T run(Token used, Call<T> call) throws DriverException {
        pace("an openstack4j call");
        OSClient.OSClientV3 os = OSFactory.clientFromToken(used, facing(), transport);
        credentials.region().ifPresent(os::useRegion);
        T result = call.on(os);
        renewedBy(used, os.getToken());
        return result;
    }

    private synchronized void renewedBy(Token used, Token now) {
        if (token == used && now != null && now != used) {
            token = now;
        }
    }

    private static boolean refusedToken(RuntimeException e) {
        if (e instanceof AuthenticationException) {
            return true;
        }
        // openstack4j's own renewal, on a token it did not make, fails before any call is sent.
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof NullPointerException && Arrays.stream(t.getStackTrace())
                    .anyMatch(frame -> frame.getClassName().endsWith(".OSAuthenticator"))) {
                return true;
            }
        }
        return false;
    }

    /** The URL of a service of the catalog (e.g. compute), for the queue's region and interface. */
    URI endpoint(Token token, String type) throws DriverException {
        for (Service service : token.getCatalog()) {
            if (!type.equals(service.getType())) {
                continue;
            }
            for (Endpoint endpoint : service.getEndpoints()) {
                Optional<String> region = credentials.region();
                boolean inRegion = region.isEmpty() || region.get().equals(endpoint.getRegion())
                        || region.get().equals(endpoint.getRegionId());
                if (endpoint.getIface() == facing() && inRegion) {
                    return URI.create(endpoint.getUrl().toString().replaceAll("/+$", ""));
                }
            }
        }
        throw new DriverException("the catalog of " + credentials.describe() + " has no " + credentials.endpointInterface()
                + " " + type + " endpoint" + credentials.region().map(r -> " in region " + r).orElse(""));
    }

    String host() {
        return credentials.authUrl().getHost();
    }

    String region() {
        return credentials.region().orElse("default");
    }

    private Facing facing() {
        return Facing.value(credentials.endpointInterface());
    }

    /**
     * Waits for a call's turn: the cloud's calls (Keystone's tokens and Nova's calls) paced per
     * cloud, region and project, at the queue's {@code callsPerSecond}, twice as many at once.
     */
    void pace(String call) throws RetryableDriverException {
        Pace.of("openstack|" + credentials.authUrl() + "|" + credentials.region().orElse("") + "|" + credentials.project(),
                2.0 * callsPerSecond, callsPerSecond).takeFor(call);
    }

    private Token authenticate() throws DriverException {
        pace("a Keystone token");
        if (credentials.applicationCredential()) {
            return applicationCredentialToken();
        }
        try {
            return OSFactory.builderV3().withConfig(transport).endpoint(credentials.authUrl().toString())
                    .credentials(credentials.username(), credentials.password(), Identifier.byName(credentials.userDomain()))
                    .scopeToProject(Identifier.byName(credentials.project()), Identifier.byName(credentials.projectDomain()))
                    .perspective(facing())
                    .authenticate().getToken();
        } catch (AuthenticationException e) {
            throw new DriverException("Keystone refused " + credentials.describe() + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new RetryableDriverException("Keystone did not answer for " + credentials.describe() + ": "
                    + DriverException.describe(e), e);
        }
    }

    private Token applicationCredentialToken() throws DriverException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode identity = body.putObject("auth").putObject("identity");
        identity.putArray("methods").add("application_credential");
        identity.putObject("application_credential").put("id", credentials.applicationCredentialId())
                .put("secret", credentials.applicationCredentialSecret());
        HttpRequest request = HttpRequest.newBuilder(URI.create(credentials.authUrl() + "/auth/tokens"))
                .timeout(timeout).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RetryableDriverException("Keystone did not answer for " + credentials.describe() + ": "
                    + DriverException.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableDriverException("interrupted while asking Keystone for a token", e);
        }
        if (response.statusCode() == 401 || response.statusCode() == 403 || response.statusCode() == 404) {
            throw new DriverException("Keystone refused " + credentials.describe() + ": " + NovaApi.message(response.body()));
        }
        String id = response.headers().firstValue("X-Subject-Token").orElse(null);
        if (response.statusCode() != 201 || id == null) {
            throw new RetryableDriverException("Keystone answered " + response.statusCode() + " for " + credentials.describe()
                    + ": " + NovaApi.message(response.body()));
        }
        try {
            KeystoneToken parsed = ObjectMapperSingleton.getContext(KeystoneToken.class).readValue(response.body(),
                    KeystoneToken.class);
            parsed.setId(id);
            parsed.setEndpoint(credentials.authUrl().toString());
            return parsed;
        } catch (IOException e) {
            throw new RetryableDriverException("Keystone's token for " + credentials.describe() + " is not readable: "
                    + DriverException.describe(e), e);
        }
    }
}
