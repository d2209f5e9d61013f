package io.pilotd.director.config;

import java.util.List;
import java.util.Map;

/**
 * An issuer of bearer tokens (JWT, WLCG profile) the serverless endpoint takes beside its API
 * keys (README, "The serverless endpoint").
 *
 * @param issuer        the tokens' {@code iss}, exactly
 * @param jwks          the issuer's public keys: an https URL (its {@code jwks_uri}), fetched and
 *                      cached, or a JWK Set file, read again when it changes
 * @param audience      the {@code aud} values a token must carry one of (this endpoint's URL, or
 *                      the WLCG profile's {@code https://wlcg.cern.ch/jwt/v1/any})
 * @param vo            the VO of the proxies its tokens' requests carry
 * @param groups        each {@code wlcg.groups} group, and the queues its tokens may use
 * @param ratePerMinute the requests a token's subject may make a minute (default 60)
 */
public record TokenIssuer(String issuer, String jwks, List<String> audience, String vo, Map<String, List<String>> groups,
                          Integer ratePerMinute) {
    public TokenIssuer {
        audience = audience == null ? List.of() : List.copyOf(audience);
        groups = groups == null ? Map.of() : Map.copyOf(groups);
        ratePerMinute = ratePerMinute == null ? 60 : ratePerMinute;
    }

    /** Whether {@link #jwks} is fetched over the network rather than read from a file. */
    public boolean remoteKeys() {
        return jwks != null && (jwks.startsWith("https://") || jwks.startsWith("http://"));
    }
}
