package io.pilotd.director.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.pilotd.director.config.EndpointSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.TokenIssuer;
import io.pilotd.director.cycle.QueueDrivers;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.EndpointAudit;
import io.pilotd.director.testing.CapturedLog;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.FakeDriverFactory;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.proxy.TestCredentials;
import io.pilotd.proxy.TestTls;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bearer tokens of the WLCG profile, signed by test issuers whose keys the test makes: one
 * publishes its JWK Set at a URL (served on 127.0.0.1), one in a file. A valid token starts a
 * pilot; each way a token can be wrong is refused with RFC 6750's error and challenge; the
 * token's text is in no log line and no audit row, its subject and issuer are.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndpointTokenTest {
    private static final String DIRECTOR = "token-test";
    private static final String ISSUER = "https://iam.example.org/";
    private static final String FILE_ISSUER = "https://other-iam.example.org/";
    private static final String AUDIENCE = "https://endpoint.example.org";
    private static final String GROUP = "/" + Queues.VO + "/pilots";
    private static final String ALL_SCOPES = "openid compute.create compute.read compute.cancel";
    private static final TestCredentials CREDENTIALS = TestCredentials.create();
    private static final String PROXY = CREDENTIALS.proxy().voms(Queues.VO, "/" + Queues.VO).validFor(Duration.ofHours(12)).pem();
    private static final String WRAPPER = "#!/bin/sh\necho token-pilot\n";

    @TempDir
    static Path dir;

    private Database db;
    private Endpoint endpoint;
    private ApiClient client;
    private HttpServer jwks;
    private RSAKey signing;
    private RSAKey fileSigning;
    private RSAKey unpublished;
    private final List<String> tokensSent = new ArrayList<>();
    private CapturedLog log;

    @BeforeAll
    void start() throws Exception {
        FakeDriverFactory.reset();
        log = CapturedLog.atTrace();
        signing = new RSAKeyGenerator(2048).keyID("iam-1").generate();
        fileSigning = new RSAKeyGenerator(2048).keyID("other-1").generate();
        unpublished = new RSAKeyGenerator(2048).keyID("iam-2").generate();
        byte[] published = new JWKSet(signing.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwk", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, published.length);
            exchange.getResponseBody().write(published);
            exchange.close();
        });
        jwks.start();
        Path jwksFile = Files.writeString(dir.resolve("other-iam.jwks"), new JWKSet(fileSigning.toPublicJWK()).toString());

        db = TestDatabases.fresh();
        List<QueueConfig> queues = List.of(Queues.queue("ep", 100, 100, 100), Queues.queue("elsewhere", 100, 100, 100));
        TestTls.Pem tls = TestTls.write(dir);
        List<TokenIssuer> issuers = List.of(
                new TokenIssuer(ISSUER, "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwk", List.of(AUDIENCE), Queues.VO,
                        Map.of(GROUP, List.of("ep"), "/" + Queues.VO + "/nothing-here", List.of("elsewhere")), 1000),
                new TokenIssuer(FILE_ISSUER, jwksFile.toString(), List.of("https://wlcg.cern.ch/jwt/v1/any"), Queues.VO,
                        Map.of(GROUP, List.of("ep")), 1000));
        PilotdConfig config = Daemons.withEndpoint(Daemons.config(DIRECTOR, false, 2, queues),
                new EndpointSettings("127.0.0.1", Daemons.freePort(), tls.certificate().toString(), tls.key().toString(), 8,
                        Duration.ofHours(1), null, 2, 1000, issuers));
        Queues.sync(db, queues.toArray(QueueConfig[]::new));
        endpoint = Endpoint.start(config, new Endpoint.Daemon(db.jdbi(), PilotEnvironment.of(config, DIRECTOR, Clock.systemUTC()),
                DriverCatalog.load(), DIRECTOR, dir, QueueDrivers.Decorator.NONE, status -> { }));
        client = new ApiClient(URI.create("https://127.0.0.1:" + endpoint.port()), TestTls.clientContext(tls.ca()));
    }

    @AfterAll
    void stop() {
        endpoint.close();
        jwks.stop(0);
        db.close();
        log.close();
    }

    private static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("5e3b1c8a-alice").audience(AUDIENCE)
                .issueTime(Date.from(now.minusSeconds(60))).notBeforeTime(Date.from(now.minusSeconds(60)))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1)))).claim("scope", ALL_SCOPES)
                .claim("wlcg.groups", List.of(GROUP)).claim("wlcg.ver", "1.0");
    }

    private String signed(RSAKey key, Consumer<JWTClaimsSet.Builder> change) throws JOSEException {
        JWTClaimsSet.Builder claims = claims();
        change.accept(claims);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT)
                .build(), claims.build());
        jwt.sign(new RSASSASigner(key));
        return sent(jwt.serialize());
    }

    private String sent(String token) {
        tokensSent.add(token);
        return token;
    }

    private ApiClient.Answer submit(String token, String jobName) {
        return client.withToken("POST", "/submitjob?queue=ep&job_name=" + jobName, token, ApiClient.body(PROXY, WRAPPER));
    }

    private static void assertChallenge(ApiClient.Answer answer, int status, String error, String message) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.field("message")).contains(message);
        assertThat(answer.headers().firstValue("WWW-Authenticate")).get().asString()
                .startsWith("Bearer realm=\"pilotd\", error=\"" + error + "\", error_description=\"");
    }

    @Test
    void aValidTokenStartsAPilotOfItsGroupsQueue_andItsSubjectAndIssuerAreAuditedNeverTheToken() throws Exception {
        String token = signed(signing, c -> { });
        String stamp = "0aa0aa0aa0aa0aa0aa0aa0aa0aa0aa0a";

        ApiClient.Answer started = submit(token, stamp);

        assertThat(started.status()).as(started.text()).isEqualTo(201);
        assertThat(started.field("stamp")).isEqualTo(stamp);
        ApiClient.Answer listed = client.withToken("GET", "/jobs", token, null);
        assertThat(listed.status()).as(listed.text()).isEqualTo(200);
        assertThat(listed.body().get("jobs")).extracting(j -> j.get("stamp").asText()).contains(stamp);
        assertThat(client.withToken("GET", "/jobs/" + stamp, token, null).field("status")).isEqualTo("Submitted");
        assertThat(client.withToken("DELETE", "/jobs/" + stamp, token, null).field("status")).isEqualTo("Deleted");
        assertThat(FakeDriverFactory.cloud("ep").submissions).isNotEmpty();

        ApiClient.Answer fromFile = submit(signed(fileSigning, c -> c.issuer(FILE_ISSUER).audience("https://wlcg.cern.ch/jwt/v1/any")),
                "0bb0bb0bb0bb0bb0bb0bb0bb0bb0bb0b");
        assertThat(fromFile.status()).as("an issuer whose keys are a file: " + fromFile.text()).isEqualTo(201);

        List<EndpointAudit.Entry> rows = new EndpointAudit(db.jdbi()).latest(1000).stream().map(EndpointAudit.Shown::entry).toList();
        assertThat(rows).filteredOn(e -> stamp.equals(e.jobName())).isNotEmpty().allSatisfy(e -> {
            assertThat(e.tokenSubject()).isEqualTo("5e3b1c8a-alice");
            assertThat(e.tokenIssuer()).isEqualTo(ISSUER);
            assertThat(e.keyId()).isNull();
        });
        String owner = db.jdbi().withHandle(h -> h.createQuery(
                "select token_subject || ' ' || token_issuer from endpoint_job where job_name = :n").bind("n", stamp)
                .mapTo(String.class).one());
        assertThat(owner).isEqualTo("5e3b1c8a-alice " + ISSUER);
        assertNoTokenAnywhere();
    }

    @Test
    void eachWrongTokenIsRefusedWithItsRfc6750Error() throws Exception {
        Instant now = Instant.now();
        assertChallenge(submit(signed(signing, c -> c.expirationTime(Date.from(now.minus(Duration.ofMinutes(5))))), "expired"),
                401, "invalid_token", "Expired JWT");
        assertChallenge(submit(signed(signing, c -> c.notBeforeTime(Date.from(now.plus(Duration.ofMinutes(5))))), "early"),
                401, "invalid_token", "JWT before use time");
        assertChallenge(submit(signed(signing, c -> c.audience("https://another-endpoint.example.org")), "audience"),
                401, "invalid_token", "aud claim rejected");
        assertChallenge(submit(signed(signing, c -> c.issuer("https://evil.example.org/")), "issuer"),
                401, "invalid_token", "issuer https://evil.example.org/ is not one this endpoint trusts");
        assertChallenge(submit(signed(fileSigning, c -> c.issuer(ISSUER)), "wrong-issuer-key"),
                401, "invalid_token", "no matching key");
        assertChallenge(submit(signed(unpublished, c -> { }), "unknown-key"), 401, "invalid_token", "no matching key");
        assertChallenge(submit(sent(new PlainJWT(claims().build()).serialize()), "alg-none"),
                401, "invalid_token", "not signed (alg none)");
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims().build());
        hmac.sign(new MACSigner(signing.toRSAPublicKey().getEncoded()));
        assertChallenge(submit(sent(hmac.serialize()), "hmac"), 401, "invalid_token", "refused");
        assertChallenge(submit(sent("not.a.jwt"), "garbage"), 401, "invalid_token", "not a JWT");

        ApiClient.Answer readOnly = submit(signed(signing, c -> c.claim("scope", "compute.read")), "read-only");
        assertChallenge(readOnly, 403, "insufficient_scope", "has no compute.create scope");
        assertThat(readOnly.headers().firstValue("WWW-Authenticate")).get().asString().endsWith(", scope=\"compute.create\"");
        assertChallenge(submit(signed(signing, c -> c.claim("wlcg.groups", List.of("/" + Queues.VO + "/users"))), "no-queue"),
                403, "insufficient_scope", "mapped to no queue");
        ApiClient.Answer otherQueue = submit(signed(signing, c -> c.claim("wlcg.groups", List.of("/" + Queues.VO + "/nothing-here"))),
                "other-queue");
        assertThat(otherQueue.status()).as(otherQueue.text()).isEqualTo(403);
        assertThat(otherQueue.field("message")).contains("may not use the queue ep (its queues: elsewhere)");

        ApiClient.Answer none = client.get("/jobs", null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"pilotd\"");
        assertThat(FakeDriverFactory.cloud("ep").submissions).as("no wrong token started a pilot")
                .allSatisfy(r -> assertThat(r.stamps()).doesNotContain("expired", "audience"));
        assertNoTokenAnywhere();
    }

    /**
     * No token sent, whole or its signature, in any log line or audit row. Jetty's own DEBUG,
     * which writes every header, is left out: etc/logback.xml holds Jetty at INFO.
     */
    private void assertNoTokenAnywhere() {
        String logged = log.events().stream().filter(e -> !e.getLoggerName().startsWith("org.eclipse.jetty"))
                .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()))
                .collect(Collectors.joining("\n"));
        List<String> rows = db.jdbi().withHandle(h -> h.createQuery(
                "select concat_ws(' ', remote, method, path, queue, job_name, outcome, token_issuer, token_subject) from endpoint_audit")
                .mapTo(String.class).list());
        String audited = String.join("\n", rows);
        for (String token : List.copyOf(tokensSent)) {
            String signature = token.substring(token.lastIndexOf('.') + 1);
            assertThat(logged).doesNotContain(token);
            assertThat(audited).doesNotContain(token);
            if (signature.length() > 16) {
                assertThat(logged).doesNotContain(signature);
                assertThat(audited).doesNotContain(signature);
            }
        }
    }
}
