package io.pilotd.director.endpoint;

import io.pilotd.director.store.EndpointJobs;
import java.util.List;

/**
 * Who made a request, once its credential is accepted: an API key, or a bearer token's subject.
 *
 * @param name    how messages name it: "the key NAME", or "the token of SUBJECT (ISSUER)"
 * @param vo      the VO its requests' proxies must be of
 * @param queues  the queues it may use
 * @param rateKey what its requests are counted under ({@link RateLimits})
 */
record Caller(String name, String vo, List<String> queues, int ratePerMinute, String rateKey, EndpointJobs.Owner owner) {
    Caller {
        queues = List.copyOf(queues);
    }
}
