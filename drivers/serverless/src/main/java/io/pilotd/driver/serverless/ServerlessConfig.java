package io.pilotd.driver.serverless;

import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A queue's {@code driver: serverless} parameters.
 *
 * @param endpoint          the endpoint's base URL, https (http only on a loopback host, for tests)
 * @param queue             the endpoint's name of the queue the pilots go to
 * @param apiKey            the key, read from {@code apiKeyFile} (mode 0600); never logged
 * @param caBundle          PEM CA certificates the endpoint's certificate must chain to, or empty for the JVM's
 * @param timeout           how long one call may take
 * @param jobUrls           whether the endpoint has {@code /jobs/<name>} (pilotd's does; the API-gateway one may not):
 *                          without them, pilots are not followed, and age out after the consistency window
 * @param consistencyWindow how long a pilot may be missing from the endpoint's answers after its submission
 * @param callsPerMinute    the key's rate at the endpoint: calls are paced to it (a minute's worth at once, then
 *                          at the rate), so that the endpoint never answers 429 to pilotd's own pace
 */
record ServerlessConfig(URI endpoint, String queue, String apiKey, Optional<Path> caBundle, Duration timeout,
                        boolean jobUrls, Duration consistencyWindow, int callsPerMinute) {

    static ServerlessConfig from(DriverParameters parameters) throws InvalidParametersException {
        String url = parameters.requireString("endpoint");
        String queue = parameters.requireString("queue");
        Optional<String> apiKey = parameters.optionalSecretFile("apiKeyFile");
        if (apiKey.isEmpty()) {
            parameters.problem("apiKeyFile", "is required: a file (mode 0600) holding the endpoint's API key");
        }
        Optional<Path> caBundle = parameters.optionalString("caBundle").map(Path::of);
        caBundle.ifPresent(file -> {
            try {
                EndpointClient.trusting(file);
            } catch (IllegalArgumentException e) {
                parameters.problem("caBundle", e.getMessage());
            }
        });
        Duration timeout = parameters.optionalDuration("timeout").orElse(Duration.ofSeconds(30));
        boolean jobUrls = parameters.optionalBoolean("jobUrls", true);
        Duration window = parameters.optionalDuration("consistencyWindow").orElse(Duration.ofMinutes(5));
        int callsPerMinute = parameters.optionalInt("callsPerMinute", 60, 1, 1_000_000);
        URI endpoint = endpoint(url, parameters);
        parameters.validate();
        return new ServerlessConfig(endpoint, queue, apiKey.get(), caBundle, timeout, jobUrls, window, callsPerMinute);
    }

    private static URI endpoint(String url, DriverParameters parameters) {
        if (url.isEmpty()) {
            return null;
        }
        try {
            URI uri = new URI(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            boolean loopback = "127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost()) || "[::1]".equals(uri.getHost());
            if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()) && loopback)) {
                parameters.problem("endpoint", "'" + url + "' must be an https URL (https://host[:port][/stage]); plain http"
                        + " is taken on a loopback host only");
            }
            return uri;
        } catch (URISyntaxException e) {
            parameters.problem("endpoint", "'" + url + "' is not a URL: " + e.getReason());
            return null;
        }
    }

    /** What a jobRef starts with: the endpoint's host, and its port when it names one. */
    String host() {
        return endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
    }

    @Override
    public String toString() {
        return "ServerlessConfig[endpoint=" + endpoint + ", queue=" + queue + ", apiKey=***, caBundle=" + caBundle
                + ", timeout=" + timeout + ", jobUrls=" + jobUrls + ", consistencyWindow=" + consistencyWindow
                + ", callsPerMinute=" + callsPerMinute + "]";
    }
}
