package io.pilotd.director.endpoint;

import io.pilotd.director.config.TokenIssuer;
import java.util.List;
import java.util.Locale;

/**
 * A bearer token checked as the endpoint would check it, for {@code pilotd endpoint token check}:
 * what an operator reads when a client's token is refused, without a request.
 *
 * @param status    200 when it would be taken; else the status it would be refused with
 * @param message   why it would be refused, or whom it is
 * @param challenge the WWW-Authenticate challenge of a refusal, or null
 * @param vo        its caller's VO, when taken
 * @param queues    the queues it may use, when taken
 */
public record TokenCheck(int status, String message, String challenge, String vo, List<String> queues) {
    /**
     * @param right {@code submit}, {@code read} or {@code cancel}: what the token is asked to do
     * @throws IllegalArgumentException for another right
     */
    public static TokenCheck of(List<TokenIssuer> issuers, String token, String right) {
        Right asked;
        try {
            asked = Right.valueOf(right.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + right + "' is not submit, read or cancel", e);
        }
        try {
            Caller caller = new BearerTokens(issuers).verify(token, asked).caller();
            return new TokenCheck(200, caller.name() + " may " + right + " (scope " + asked.scope + ")", null, caller.vo(),
                    caller.queues());
        } catch (ApiError e) {
            return new TokenCheck(e.status(), e.getMessage(), e.challenge(), null, List.of());
        }
    }
}
