package io.pilotd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the built distribution's real launcher, as a user would. */
class LauncherIT {
    @TempDir
    Path dataDir;

    @Test
    void dbMigrateCreatesTheSchemaOnAFreshDataDirThenIsANoOp() throws Exception {
        Pilotd.Run first = Pilotd.run(dataDir, "db", "migrate");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("embedded PostgreSQL in " + dataDir.resolve("pgdata")).contains("applied");
        assertThat(Files.exists(dataDir.resolve("pgdata/PG_VERSION"))).isTrue();

        Pilotd.Run second = Pilotd.run(dataDir, "db", "migrate");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("schema is current").contains("nothing to do");

        Pilotd.Run info = Pilotd.run(dataDir, "db", "info", "--format", "json");
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out()).contains("\"state\" : \"Success\"").doesNotContain("Pending");
    }

    @Test
    void theFirstCommandArchivesItsClassesAndTheNextOnesMapThem() throws Exception {
        Path cache = dataDir.resolve("cache");
        Map<String, String> cds = Map.of("PILOTD_CDS", "on", "PILOTD_CDS_DIR", cache.toString());
        Pilotd.Run first = Pilotd.run(dataDir, cds, "--version");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.err()).isEmpty();
        try (var archives = Files.list(cache)) {
            assertThat(archives.map(p -> p.getFileName().toString()).toList()).singleElement().asString()
                    .matches("pilotd-\\d+\\.jsa");
        }
        // -Xshare:on makes the JVM fail rather than start without the archive.
        Map<String, String> mapped = new HashMap<>(cds);
        mapped.put("PILOTD_JAVA_OPTS", "-Xshare:on");
        Pilotd.Run next = Pilotd.run(dataDir, mapped, "--version");
        assertThat(next.exitCode()).as(next.err()).isZero();
        assertThat(next.out()).startsWith("pilotd ");
    }

    private static String config(String... queues) {
        StringBuilder yaml = new StringBuilder("sites:\n  LOCAL.Test.de: {}\nqueues:\n");
        for (String queue : queues) {
            yaml.append("""
                      - name: %s
                        site: LOCAL.Test.de
                        ce: localhost
                        queue: default
                        driver: local
                        cycle: 1m
                        limits: {maxRunning: 2, maxWaiting: 1}
                        parameters: {command: [/bin/true]}
                    """.formatted(queue));
        }
        return yaml.toString();
    }

    private static void hangUp(Pilotd.Daemon daemon) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(daemon.process.pid())).start();
        assertThat(kill.waitFor()).as("kill -HUP").isZero();
    }

    @Test
    void aSighupReloadsTheConfigFileAndABrokenOneChangesNothing() throws Exception {
        Path config = Files.writeString(dataDir.resolve("pilotd.yaml"), config("q1", "q2"));
        // whatever this JVM was started with (nohup leaves SIGHUP ignored, and a process inherits that)
        try (Pilotd.Daemon daemon = new Pilotd.Daemon(List.of("env", "--default-signal=HUP"), dataDir, "--config",
                config.toString())) {
            Files.writeString(config, config("q1", "q3"));
            hangUp(daemon);
            Pilotd.await(Duration.ofMinutes(1), () -> daemon.log().contains("config reloaded: 2 queue(s); 1 new [q3], 0 changed"
                    + " [], 1 removed [q2]"), "the daemon to reload its config");

            Files.writeString(config, config("q1", "q3") + "      maxRunning: lots\n");
            hangUp(daemon);
            Pilotd.await(Duration.ofMinutes(1), () -> daemon.log().contains("the config was not reloaded, nothing changed: "
                    + config), "the daemon to refuse the broken file");
            assertThat(daemon.process.isAlive()).isTrue();

            Files.writeString(config, config("q1", "q3"));
            Pilotd.Run queues = Pilotd.run(dataDir, "queues", "--format", "json", "--config", config.toString());
            assertThat(queues.exitCode()).as(queues.err()).isZero();
            assertThat(queues.out()).as("the new queue, and the removed one, retired")
                    .containsPattern("\"queue\" : \"q3\"").containsPattern("\"queue\" : \"q2\"(?s).*\"retired\" : true");
            assertThat(daemon.stop()).as(daemon.log()).isZero();
        }
    }

    @Test
    void aDaemonStartedWithSighupIgnoredSaysItCannotReload() throws Exception {
        Path config = Files.writeString(dataDir.resolve("pilotd.yaml"), config("q1"));
        try (Pilotd.Daemon daemon = new Pilotd.Daemon(List.of("env", "--ignore-signal=HUP"), dataDir, "--config",
                config.toString())) {
            assertThat(daemon.log()).contains("SIGHUP is ignored in this process, as the process that started pilotd left it");
            hangUp(daemon);
            assertThat(daemon.stop()).as("SIGHUP ignored, then SIGTERM: %s", daemon.log()).isZero();
        }
    }

    @Test
    void queuesAndPilotsWorkOnTheEmbeddedDatabase() throws Exception {
        Pilotd.Run queues = Pilotd.run(dataDir, "queues");
        assertThat(queues.exitCode()).as(queues.err()).isZero();
        assertThat(queues.out()).contains("QUEUE").contains("local").contains("LOCAL.Demo.local");

        Pilotd.Run pilots = Pilotd.run(dataDir, "pilots", "--format", "json");
        assertThat(pilots.exitCode()).as(pilots.err()).isZero();
        assertThat(pilots.out().strip()).startsWith("[").endsWith("]");
    }

    @Test
    void configCheckPassesTheExampleAndRefusesABadFileWithExitCode2() throws Exception {
        Pilotd.Run good = Pilotd.run(dataDir, "config", "check", Pilotd.SOURCE.resolve("etc/pilotd.example.yaml").toString());
        assertThat(good.exitCode()).as(good.err()).isZero();

        Path bad = dataDir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(Pilotd.SOURCE.resolve("etc/pilotd.example.yaml"))
                .replace("maxWaiting: 5", "maxWaiting: -5"));
        Pilotd.Run refused = Pilotd.run(dataDir, "config", "check", bad.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).containsPattern(bad + ":\\d+: queues\\[0\\]\\.limits\\.maxWaiting: must not be negative");
    }

    @Test
    void theExamplesCommentedCloudQueuesAreValidOnceUncommented() throws Exception {
        String example = Files.readString(Pilotd.SOURCE.resolve("etc/pilotd.example.yaml"))
                .replace("  # CLOUD.AWS-Frankfurt.de: {maxCores: 512}", "  CLOUD.AWS-Frankfurt.de: {maxCores: 512}")
                .replace("  # CLOUD.CERN.ch: {maxCores: 1024}", "  CLOUD.CERN.ch: {maxCores: 1024}")
                .replace("  # CLOUD.GCE-Europe.eu: {maxCores: 400}", "  CLOUD.GCE-Europe.eu: {maxCores: 400}")
                .replace("  # CLOUD.Serverless-AWS.eu: {}", "  CLOUD.Serverless-AWS.eu: {}")
                .replace("  # CLOUD.K8s-CERN.ch: {maxCores: 800}", "  CLOUD.K8s-CERN.ch: {maxCores: 800}")
                .replaceAll("(?m)^  # (?=- |  )", "  ");
        Path file = dataDir.resolve("clouds-example.yaml");
        Files.writeString(file, example);
        // The openstack queue names a cloud of clouds.yaml, as an operator's would.
        Path clouds = Files.writeString(dataDir.resolve("clouds.yaml"), """
                clouds:
                  cern:
                    region_name: cern
                    auth:
                      auth_url: https://keystone.cern.ch/v3
                      username: lhcbpilot
                      password: not-a-real-one
                      project_name: lhcb-pilots
                """);
        // And the jclouds queue a key file, only its owner's.
        Path key = Files.writeString(dataDir.resolve("gce-key.pem"), "-----BEGIN PRIVATE KEY-----\n");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        // And the serverless queue its API key's file.
        Path apiKey = Files.writeString(dataDir.resolve("endpoint.apikey"), "pilotd_not-a-real-one\n");
        Files.setPosixFilePermissions(apiKey, PosixFilePermissions.fromString("rw-------"));
        // And the kubernetes queue a kubeconfig with its context.
        Path kubeconfig = Files.writeString(dataDir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters: [{name: cern, cluster: {server: "https://k8s.cern.ch:6443"}}]
                users: [{name: pilotd, user: {token: not-a-real-one}}]
                contexts: [{name: pilots, context: {cluster: cern, user: pilotd, namespace: pilots}}]
                current-context: pilots
                """);
        Files.writeString(file, example.replace("/etc/pilotd/gce-key.pem", key.toString())
                .replace("/etc/pilotd/endpoint.apikey", apiKey.toString()).replace("/etc/pilotd/kubeconfig", kubeconfig.toString()));
        Pilotd.Run check = Pilotd.run(dataDir, Map.of("OS_CLIENT_CONFIG_FILE", clouds.toString()), "config", "check",
                file.toString());
        assertThat(check.exitCode()).as(check.err()).isZero();
        assertThat(check.out()).contains("OK, 7 queue(s)");
    }

    @Test
    void helpListsTheExitCodes() throws Exception {
        Pilotd.Run help = Pilotd.run(dataDir, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Exit codes:").contains("2   usage or config error");
        Pilotd.Run submitHelp = Pilotd.run(dataDir, "submit", "--help");
        assertThat(submitHelp.exitCode()).as("a subcommand's --help needs none of its required options").isZero();
        assertThat(submitHelp.out()).contains("Usage: pilotd submit").contains("--force");
    }
}
