package io.pilotd.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.pilotd.director.config.DatabaseSettings;
import io.pilotd.director.endpoint.ApiKeySecret;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.EndpointKeys;
import io.pilotd.director.testing.Cli;
import io.pilotd.director.testing.TestDatabases;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pilotd endpoint key add|list|revoke, audit and openapi. */
class EndpointCommandTest {
    @TempDir
    Path dir;
    private String url;
    private String config;

    @BeforeEach
    void setUp() throws Exception {
        url = TestDatabases.newDatabaseUrl();
        config = Files.writeString(dir.resolve("pilotd.yaml"), """
                director:
                  id: endpoint-cli
                  dataDir: %s
                database:
                  url: %s
                  user: postgres
                sites:
                  LOCAL.Test.de: {}
                queues:
                  - name: q1
                    site: LOCAL.Test.de
                    ce: localhost
                    queue: default
                    driver: local
                    limits: {maxRunning: 10, maxWaiting: 10}
                    matching: {vo: dteam}
                    parameters:
                      command: [/bin/true]
                  - name: q2
                    site: LOCAL.Test.de
                    ce: localhost
                    queue: other
                    driver: local
                    limits: {maxRunning: 10, maxWaiting: 10}
                    parameters:
                      command: [/bin/true]
                """.formatted(dir.resolve("data"), url)).toString();
        assertThat(Cli.withConfig(config, "db", "migrate").exitCode()).isZero();
    }

    @Test
    void aKeyIsShownOnce_storedAsItsHash_listedWithoutIt_andRevoked() {
        Cli added = Cli.withConfig(config, "endpoint", "key", "add", "lhcb-director", "--vo", "dteam", "--queue", "q1",
                "--queue", "q2", "--rate", "30", "--expires-in", "30d");
        assertThat(added.exitCode()).as(added.err()).isZero();
        String secret = added.out().strip();
        assertThat(secret).matches("pilotd_[A-Za-z0-9_-]{43}");
        assertThat(added.err()).contains("API key lhcb-director: VO dteam, queue(s) q1, q2, 30 request(s) a minute")
                .contains("shown this once");

        try (Database db = Database.open(new DatabaseSettings(url, "postgres", null, null, 2), dir, Map.of())) {
            EndpointKeys.Key key = new EndpointKeys(db.jdbi()).byHash(ApiKeySecret.hash(secret)).orElseThrow();
            assertThat(key.name()).isEqualTo("lhcb-director");
            assertThat(key.queues()).containsExactly("q1", "q2");
            assertThat(key.expiresAt()).isBetween(Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));
            String stored = db.jdbi().withHandle(h -> h.createQuery("select string_agg(k::text, '') from endpoint_key k")
                    .mapTo(String.class).one());
            assertThat(stored).doesNotContain(secret);
        }

        Cli list = Cli.withConfig(config, "endpoint", "key", "list", "--format", "csv");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).contains("lhcb-director," + ApiKeySecret.prefix(secret) + ",dteam,\"q1,q2\",30,")
                .contains(",live,").doesNotContain(secret);

        Cli taken = Cli.withConfig(config, "endpoint", "key", "add", "lhcb-director", "--vo", "dteam", "--queue", "q1");
        assertThat(taken.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(taken.err()).contains("a key named lhcb-director exists");

        Cli revoked = Cli.withConfig(config, "endpoint", "key", "revoke", "lhcb-director");
        assertThat(revoked.exitCode()).as(revoked.err()).isZero();
        assertThat(Cli.withConfig(config, "endpoint", "key", "list").out()).contains("revoked");
        Cli again = Cli.withConfig(config, "endpoint", "key", "revoke", "lhcb-director");
        assertThat(again.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(again.err()).contains("no live key named lhcb-director");
    }

    @Test
    void aKeyOfAVoAQueueRefusesIsRefused() {
        Cli added = Cli.withConfig(config, "endpoint", "key", "add", "other", "--vo", "lhcb", "--queue", "q1");
        assertThat(added.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(added.err()).contains("the queue q1 takes VO dteam: a key of VO lhcb could never use it");
    }

    @Test
    void theAuditShowsTheLatestRequestsWithTheirKeysName() {
        assertThat(Cli.withConfig(config, "endpoint", "key", "add", "k1", "--vo", "dteam", "--queue", "q1").exitCode()).isZero();
        try (Database db = Database.open(new DatabaseSettings(url, "postgres", null, null, 2), dir, Map.of())) {
            long id = new EndpointKeys(db.jdbi()).byName("k1").orElseThrow().id();
            db.jdbi().useHandle(h -> h.createUpdate("""
                    insert into endpoint_audit (key_id, remote, method, path, queue, job_name, status, outcome)
                    values (:id, '192.0.2.7', 'POST', '/submitjob', 'q1', 'job-1', 201, 'started pilot x as y')""")
                    .bind("id", id).execute());
        }
        Cli audit = Cli.withConfig(config, "endpoint", "audit", "--format", "csv");
        assertThat(audit.exitCode()).as(audit.err()).isZero();
        assertThat(audit.out()).contains(",k1,,192.0.2.7,POST,/submitjob,q1,job-1,201,started pilot x as y");
        assertThat(Cli.withConfig(config, "endpoint", "key", "list", "--format", "csv").out()).as("k1 was used").contains(",live,20");
    }

    @Test
    void aTokenReadFromStandardInputIsCheckedAsTheEndpointWould() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        Path jwks = Files.writeString(dir.resolve("iam.jwks"), new JWKSet(key.toPublicJWK()).toString());
        String withTokens = Files.writeString(dir.resolve("tokens.yaml"), Files.readString(Path.of(config)) + """
                endpoint:
                  tokens:
                    - issuer: https://iam.example.org/
                      jwks: %s
                      audience: [https://endpoint.example.org]
                      vo: dteam
                      groups: {/dteam/pilots: [q1]}
                """.formatted(jwks)).toString();
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), new JWTClaimsSet.Builder()
                .issuer("https://iam.example.org/").subject("bob").audience("https://endpoint.example.org")
                .expirationTime(Date.from(now.plusSeconds(600))).claim("scope", "compute.read")
                .claim("wlcg.groups", List.of("/dteam/pilots")).build());
        jwt.sign(new RSASSASigner(key));
        String token = jwt.serialize();

        Cli read = withStdin("Bearer " + token + "\n", () -> Cli.withConfig(withTokens, "endpoint", "token", "check", "--right", "read"));
        assertThat(read.exitCode()).as(read.err()).isZero();
        assertThat(read.out()).contains("taken: the token of bob (https://iam.example.org/) may read", "VO: dteam", "queues: q1");
        Cli submit = withStdin(token, () -> Cli.withConfig(withTokens, "endpoint", "token", "check"));
        assertThat(submit.exitCode()).isEqualTo(1);
        assertThat(submit.out()).contains("refused: 403 the token of bob has no compute.create scope",
                "WWW-Authenticate: Bearer realm=\"pilotd\", error=\"insufficient_scope\"").doesNotContain(token);
        assertThat(withStdin("", () -> Cli.withConfig(config, "endpoint", "token", "check")).err())
                .contains("the config names no issuer of bearer tokens (endpoint.tokens)");
    }

    private static Cli withStdin(String text, Supplier<Cli> command) {
        InputStream stdin = System.in;
        System.setIn(new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII)));
        try {
            return command.get();
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void theOpenApiDocumentIsPrinted() {
        Cli openapi = Cli.run("endpoint", "openapi");
        assertThat(openapi.exitCode()).isZero();
        assertThat(openapi.out()).startsWith("openapi: 3.0.3").contains("/submitjob:", "/jobs/{name}:", "/jobs/{name}/output:");
        assertThat(List.of(openapi.out().split("\n"))).contains("  /openapi.yaml:");
    }
}
