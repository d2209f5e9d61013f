package io.pilotd.director.endpoint;

import io.pilotd.director.store.QueueRow;
import io.pilotd.proxy.Proxy;
import io.pilotd.proxy.ProxyException;
import io.pilotd.proxy.ProxyInfo;
import io.pilotd.proxy.ProxyPolicy;
import io.pilotd.proxy.TrustAnchors;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A request's proxy, checked before any pilot carries it: fit by the {@link ProxyPolicy} every
 * proxy meets (its trust anchors {@code endpoint.trustAnchors}, its minimum lifetime
 * {@code endpoint.minProxyLifetime}), and of the VO its key and its queue allow.
 */
final class ProxyCheck {
    private final Duration minLifetime;
    private volatile ProxyPolicy policy;

    /** @param anchors null when the chain is checked within itself only */
    ProxyCheck(Duration minLifetime, TrustAnchors anchors) {
        this.minLifetime = minLifetime;
        trust(anchors);
    }

    /** The trust anchors read again ({@link EndpointCredentials}): requests checked from now on end at these. */
    void trust(TrustAnchors anchors) {
        this.policy = new ProxyPolicy(minLifetime, "a pilot needs (endpoint.minProxyLifetime)", anchors);
    }

    /** @throws ApiError saying why the proxy may not go with a pilot of this key and queue */
    void check(String pem, Caller caller, QueueRow queue, Instant now) throws ApiError {
        Proxy proxy;
        try {
            proxy = Proxy.parse(pem, "the request's proxy");
        } catch (ProxyException e) {
            throw new ApiError(422, e.getMessage());
        }
        Optional<String> problem = policy.problem(proxy, "the request's proxy", now);
        if (problem.isPresent()) {
            throw new ApiError(422, problem.get());
        }
        ProxyInfo info = proxy.inspect(now);
        String vo = info.vo().orElseThrow(() -> new ApiError(422,
                "the request's proxy carries no VOMS attributes: " + caller.name() + " takes proxies of VO " + caller.vo()));
        if (!vo.equals(caller.vo())) {
            throw new ApiError(403, "the request's proxy is of VO " + vo + ": " + caller.name() + " takes proxies of VO "
                    + caller.vo() + " only");
        }
        if (queue.vo() != null && !queue.vo().equals(vo)) {
            throw new ApiError(403, "the request's proxy is of VO " + vo + ": the queue " + queue.name() + " takes VO "
                    + queue.vo() + " only");
        }
    }
}
