package io.pilotd.director.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilotd.director.config.EndpointSettings;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.endpoint.ApiClient;
import io.pilotd.director.endpoint.ApiKeySecret;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.EndpointKeys;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.FakeDriverFactory;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.proxy.TestCredentials;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon serves the endpoint when the config sets endpoint.port, follows its pilots, and stops serving when it stops. */
class DirectorEndpointTest {
    @TempDir
    Path dataDir;

    @Test
    void theDaemonServesTheEndpoint_followsItsPilots_andStopsServingWhenItStops() throws Exception {
        FakeDriverFactory.reset();
        QueueConfig queue = Daemons.queue("ep", Duration.ofSeconds(1), Duration.ZERO, 10);
        int port = Daemons.freePort();
        String key = ApiKeySecret.generate();
        String proxy = TestCredentials.create().proxy().voms(queue.matching().vo()).validFor(Duration.ofHours(12)).pem();
        ApiClient client = new ApiClient(URI.create("http://127.0.0.1:" + port), null);
        try (Database db = TestDatabases.fresh()) {
            int metricsPort = Daemons.freePort();
            try (Director director = Director.start(Daemons.withEndpoint(Daemons.withStatusPort(
                    Daemons.config("endpoint-daemon", queue), metricsPort),
                    new EndpointSettings("127.0.0.1", port, null, null, null, null, null, null, null, null)), db, DriverCatalog.load(), dataDir)) {
                assertThat(director.endpointPort()).contains(port);
                new EndpointKeys(db.jdbi()).add("k", ApiKeySecret.hash(key), ApiKeySecret.prefix(key), queue.matching().vo(),
                        List.of("ep"), 100, Instant.now().plus(Duration.ofDays(1)));

                ApiClient.Answer submitted = client.submit("ep", "job-1", key, proxy, "#!/bin/sh\n");
                assertThat(submitted.status()).as(submitted.text()).isEqualTo(201);
                FakeDriverFactory.cloud("ep").move(PilotStatus.Waiting, PilotStatus.Running);
                Daemons.await("the daemon's cycle follows the endpoint's pilot", Duration.ofMinutes(2),
                        () -> "Running".equals(client.get("/jobs/job-1", key).field("status")));
                String metrics = new ApiClient(URI.create("http://127.0.0.1:" + metricsPort), null).get("/metrics", null).text();
                assertThat(metrics).contains("pilotd_endpoint_requests_total{status=\"201\"} 1.0");
            }
            assertThatThrownBy(() -> client.get("/openapi.yaml", null)).as("no longer served").isInstanceOf(UncheckedIOException.class);
        }
    }
}
