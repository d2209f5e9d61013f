package io.pilotd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.testing.ExternalTool;
import io.pilotd.director.testing.PilotFiles;
import io.pilotd.proxy.TestCredentials;
import io.pilotd.proxy.TestTls;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DIRAC's side of pilotd (the Python extension in dirac/) against a real {@code pilotd run}
 * serving its endpoint over TLS: the extension's own round-trip tests (dirac/tests), run by
 * Debian's pytest with the endpoint, a key, a proxy and a pilot of the director's own.
 */
class DiracExtensionIT {
    private static final String VO = "testvo";
    /** Stands in for DIRAC's pilot: runs until it is killed. */
    private static final String DIRAC_PILOT = "import time\ntime.sleep(600)\n";

    @TempDir
    Path dir;

    @Test
    void theComputingElementSubmitsFollowsReadsAndKillsPilotdsPilots() throws Exception {
        String python = pythonWithPytest();
        TestCredentials credentials = TestCredentials.create();
        TestTls.Pem tls = TestTls.write(dir);
        Path anchors = Files.createDirectories(dir.resolve("certificates"));
        Files.writeString(anchors.resolve("ca.pem"), credentials.caPem());
        Path proxy = dir.resolve("proxy.pem");
        Files.writeString(proxy, credentials.proxy().voms(VO, "/" + VO).validFor(Duration.ofHours(12)).pem());
        Files.setPosixFilePermissions(proxy, PosixFilePermissions.fromString("rw-------"));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path config = Files.writeString(dir.resolve("pilotd.yaml"), """
                director: {id: dirac-extension-it}
                database: {poolSize: 16}
                endpoint: {address: 127.0.0.1, port: %d, certificate: %s, key: %s, trustAnchors: %s}
                proxy: {file: %s, minLifetime: 1h}
                pilot: {locations: [%s]}
                sites: {CLOUD.Test.de: {}}
                queues:
                  - name: dirac-ce
                    site: CLOUD.Test.de
                    ce: pilotd-ce.example.org
                    queue: default
                    driver: local
                    cycle: 2s
                    limits: {maxRunning: 4, maxWaiting: 4, maxPerCycle: 4}
                    matching: {vo: %s}
                """.formatted(port, tls.certificate(), tls.key(), anchors, proxy,
                PilotFiles.write(dir, Map.of("dirac-pilot.py", DIRAC_PILOT)), VO));
        Path data = dir.resolve("data");
        try (Pilotd.Daemon daemon = new Pilotd.Daemon(data, "--config", config.toString())) {
            Pilotd.Run added = Pilotd.run(data, "endpoint", "key", "add", "dirac-site-director", "--vo", VO,
                    "--queue", "dirac-ce", "--config", config.toString());
            assertThat(added.exitCode()).as(added.err()).isZero();
            Path key = Files.writeString(dir.resolve("api.key"), added.out().strip() + "\n");
            Pilotd.Run submitted = Pilotd.run(data, "submit", "--queue", "dirac-ce", "--count", "1", "--format", "csv",
                    "--config", config.toString());
            assertThat(submitted.exitCode()).as(submitted.err()).isZero();
            String stamp = submitted.out().lines().skip(1).findFirst().orElseThrow().split(",")[0];

            ExternalTool.Result tests = pytest(python, Map.of(
                    "PILOTD_ENDPOINT", "https://127.0.0.1:" + port,
                    "PILOTD_API_KEY_FILE", key.toString(),
                    "PILOTD_CA_FILE", tls.ca().toString(),
                    "PILOTD_PROXY_FILE", proxy.toString(),
                    "PILOTD_QUEUE", "dirac-ce",
                    "PILOTD_OWN_PILOT", "pilotd://" + stamp));

            assertThat(tests.exitCode()).as(tests.output() + "\n" + daemon.log()).isZero();
            assertThat(tests.output()).as("every test ran, the round trips included").containsPattern("\\d+ passed")
                    .doesNotContain("skipped");
        }
    }

    /** A python3 that has pytest (Debian's python3-pytest, which .ci/run installs); else the test is skipped, saying so. */
    private static String pythonWithPytest() throws IOException, InterruptedException {
        for (String python : List.of("python3", "/usr/bin/python3")) {
            try {
                Process probe = new ProcessBuilder(python, "-c", "import pytest").redirectErrorStream(true).start();
                probe.getInputStream().readAllBytes();
                if (probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0) {
                    return python;
                }
            } catch (IOException e) {
                // not this one
            }
        }
        String why = "skipped: no python3 with pytest here (Debian's python3-pytest; .ci/run installs it)";
        System.err.println(DiracExtensionIT.class.getSimpleName() + " " + why);
        return Assumptions.abort(why);
    }

    private static ExternalTool.Result pytest(String python, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs",
                Pilotd.SOURCE.resolve("dirac/tests").toString()).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("pytest finished").isTrue();
        return new ExternalTool.Result(process.exitValue(), output);
    }
}
