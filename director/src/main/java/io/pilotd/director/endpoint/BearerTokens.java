package io.pilotd.director.endpoint;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.pilotd.director.config.TokenIssuer;
import io.pilotd.director.store.EndpointJobs;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Bearer tokens of the configured issuers ({@code endpoint.tokens}): JWTs of the WLCG profile,
 * verified by Nimbus JOSE+JWT against the issuer's keys (signature, {@code iss}, {@code aud},
 * {@code exp} and {@code nbf} within a minute's skew), then given rights by their {@code scope}
 * ({@link Right}) and queues by their {@code wlcg.groups}. Refusals are RFC 6750's: 401
 * {@code invalid_token}, 403 {@code insufficient_scope}, each with its {@code WWW-Authenticate}
 * challenge. A token is never logged, audited or repeated in an answer.
 */
final class BearerTokens {
    static final String REALM = "pilotd";
    /** The WLCG profile's claims: the groups of the token's subject, and its scopes (space-separated). */
    static final String GROUPS = "wlcg.groups";
    static final String SCOPE = "scope";
    /** Asymmetric signatures only: a public key set cannot check an HMAC, and accepting one invites forgery. */
    private static final Set<JWSAlgorithm> ALGORITHMS;
    private static final int CLOCK_SKEW_SECONDS = 60;

    static {
        Set<JWSAlgorithm> algorithms = new LinkedHashSet<>(JWSAlgorithm.Family.RSA);
        algorithms.addAll(JWSAlgorithm.Family.EC);
        ALGORITHMS = Set.copyOf(algorithms);
    }

    private record Issuer(TokenIssuer config, DefaultJWTProcessor<SecurityContext> processor) {
    }

    private final Map<String, Issuer> issuers = new LinkedHashMap<>();

    BearerTokens(List<TokenIssuer> configured) {
        for (TokenIssuer issuer : configured) {
            issuers.put(issuer.issuer(), new Issuer(issuer, processor(issuer)));
        }
    }

    boolean any() {
        return !issuers.isEmpty();
    }

    private static DefaultJWTProcessor<SecurityContext> processor(TokenIssuer issuer) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        // WLCG tokens say typ JWT, RFC 9068 access tokens at+jwt; many issuers say none
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys(issuer)));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(new HashSet<>(issuer.audience()),
                new JWTClaimsSet.Builder().issuer(issuer.issuer()).build(), Set.of("sub", "exp"), null);
        claims.setMaxClockSkew(CLOCK_SKEW_SECONDS);
        processor.setJWTClaimsSetVerifier(claims);
        return processor;
    }

    /** Fetched and cached (5 min, refreshed ahead, a fetch on an unknown key at most every 30 s), or a file read when it changes. */
    private static JWKSource<SecurityContext> keys(TokenIssuer issuer) {
        if (!issuer.remoteKeys()) {
            return new JwksFile(Path.of(issuer.jwks()));
        }
        try {
            return JWKSourceBuilder.<SecurityContext>create(URI.create(issuer.jwks()).toURL(),
                    new DefaultResourceRetriever(5_000, 5_000, 1024 * 1024)).retrying(true).outageTolerant(true).build();
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("endpoint.tokens: " + issuer.jwks() + " is not a URL", e);
        }
    }

    /**
     * The caller a token is, for a request that needs {@code right}.
     *
     * @throws ApiError 401 invalid_token, or 403 insufficient_scope, with its challenge
     */
    Verified verify(String token, Right right) throws ApiError {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            throw invalid("the bearer token is not a JWT");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            throw invalid("the bearer token is not signed (alg " + jwt.getHeader().getAlgorithm() + ")");
        }
        String iss;
        try {
            iss = signed.getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
            throw invalid("the bearer token's claims cannot be read");
        }
        Issuer issuer = iss == null ? null : issuers.get(iss);
        if (issuer == null) {
            throw invalid("the bearer token's issuer " + (iss == null ? "(none)" : iss) + " is not one this endpoint trusts");
        }
        JWTClaimsSet claims;
        try {
            claims = issuer.processor().process(signed, null);
        } catch (RateLimitReachedException e) {
            // the issuer's keys were fetched lately and had no key of this kid
            throw invalid("the bearer token is refused: its key " + signed.getHeader().getKeyID() + " is not among the issuer's"
                    + " keys (no matching key; they are fetched again at most every 30 s)");
        } catch (BadJOSEException | JOSEException e) {
            throw invalid("the bearer token is refused: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        Set<String> scopes;
        List<String> groups;
        try {
            String scope = claims.getStringClaim(SCOPE);
            scopes = scope == null ? Set.of() : Set.copyOf(Arrays.asList(scope.trim().split("\\s+")));
            List<String> listed = claims.getStringListClaim(GROUPS);
            groups = listed == null ? List.of() : listed;
        } catch (ParseException e) {
            throw invalid("the bearer token's " + SCOPE + " or " + GROUPS + " claim is not of the WLCG profile's type");
        }
        String subject = claims.getSubject();
        if (!scopes.contains(right.scope)) {
            throw insufficient(right, "the token of " + subject + " has no " + right.scope + " scope (its scopes: "
                    + (scopes.isEmpty() ? "none" : String.join(" ", new TreeSet<>(scopes))) + ")");
        }
        Set<String> queues = new LinkedHashSet<>();
        groups.forEach(group -> queues.addAll(issuer.config().groups().getOrDefault(group, List.of())));
        if (queues.isEmpty()) {
            throw insufficient(right, "the groups of the token of " + subject + " " + groups + " are mapped to no queue of this"
                    + " endpoint (endpoint.tokens of " + iss + ")");
        }
        Caller caller = new Caller("the token of " + subject + " (" + iss + ")", issuer.config().vo(), List.copyOf(queues),
                issuer.config().ratePerMinute(), "token " + iss + " " + subject, EndpointJobs.Owner.token(iss, subject));
        return new Verified(caller, iss, subject);
    }

    /** A verified token's caller, and what the audit names it by. */
    record Verified(Caller caller, String issuer, String subject) {
    }

    /** The challenge of a request with no credential, where tokens are taken. */
    static String challenge() {
        return "Bearer realm=\"" + REALM + "\"";
    }

    static ApiError invalid(String description) {
        return new ApiError(401, description, null, challenge() + ", error=\"invalid_token\", error_description=\""
                + quoted(description) + "\"");
    }

    private static ApiError insufficient(Right right, String description) {
        return new ApiError(403, description, null, challenge() + ", error=\"insufficient_scope\", error_description=\""
                + quoted(description) + "\", scope=\"" + right.scope + "\"");
    }

    /** RFC 6750's error_description: printable ASCII but '"' and '\'. */
    private static String quoted(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c >= 0x20 && c <= 0x7E && c != '"' && c != '\\' ? (char) c : '?'));
        return out.toString();
    }
}
