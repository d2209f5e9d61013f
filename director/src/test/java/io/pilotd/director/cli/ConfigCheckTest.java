package io.pilotd.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.testing.Cli;
import io.pilotd.director.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCheckTest {
    private static final Path EXAMPLE = Path.of("../etc/pilotd.example.yaml");

    static final String VALID = """
            director:
              id: test-director
            sites:
              LOCAL.Test.de: {maxCores: 8}
            queues:
              - name: q1
                site: LOCAL.Test.de
                ce: localhost
                queue: default
                driver: local
                cycle: 1m
                limits:
                  maxRunning: 10
                  maxWaiting: 5
                parameters:
                  command: [/bin/true]
            """;

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("pilotd.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    @Test
    void theExampleConfigIsValid() {
        Cli result = Cli.run("config", "check", EXAMPLE.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("OK, 1 queue(s)");
    }

    /** The package's config, as dpkg and rpm install it, with the endpoint turned on and nothing else said. */
    @Test
    void thePackagedConfigWithOnlyAnEndpointPortPasses() throws IOException {
        String packaged = Files.readString(Path.of("../packaging/pilotd.yaml")).replace("/var/lib/pilotd", dir.resolve("data").toString());
        Cli result = Cli.run("config", "check", write(packaged + "endpoint:\n  port: 8443\n").toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).isEmpty();
    }

    @Test
    void aValidConfigWithOnlyAnEndpointPortPasses() throws IOException {
        Cli result = Cli.run("config", "check", write(VALID + "endpoint:\n  port: 8443\n").toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
    }

    @Test
    void aLocalCommandThatIsNotThereIsAWarningWithFileLineAndPath_notARefusal() throws IOException {
        Path file = write(VALID.replace("command: [/bin/true]", "command: [/cvmfs/not-mounted/run-pilot, --fast]"));
        Cli result = Cli.run("config", "check", file.toString());

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).contains("pilotd: warning: " + file + ":16: queues[0].parameters.command: '/cvmfs/not-mounted/run-pilot'"
                + " does not exist on this host: its pilots would fail to start until it is");
        assertThat(result.out()).contains("OK, 1 queue(s), 1 warning(s)");
    }

    @Test
    void aValidConfigPasses() throws IOException {
        Cli result = Cli.run("config", "check", write(VALID).toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
    }

    @Test
    void aTypoedKeyIsNamedWithFileLineAndPath() throws IOException {
        Path file = write(VALID.replace("maxWaiting: 5", "maxWaitng: 5"));
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains(file + ":14: queues[0].limits.maxWaitng: unknown key 'maxWaitng'")
                .contains("maxWaiting")
                // the key it meant is then missing: reported too, in the same run
                .contains("queues[0].limits.maxWaiting: is required");
    }

    @Test
    void aNegativeLimitIsNamedWithFileLineAndPath() throws IOException {
        Path file = write(VALID.replace("maxWaiting: 5", "maxWaiting: -3"));
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(file + ":14: queues[0].limits.maxWaiting: must not be negative, not -3");
    }

    @Test
    void anUnknownDriverIsNamedWithTheInstalledOnes() throws IOException {
        Path file = write(VALID.replace("driver: local", "driver: lokal"));
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(file + ":10: queues[0].driver: unknown driver 'lokal' (installed: ").containsPattern("installed: [a-z, ]*local");
    }

    @Test
    void aLifetimeTooShortAndANegativeWindowAndSweepAreNamed() throws IOException {
        Path file = write(VALID.replace("director:\n", "director:\n  sweepEvery: 0\n")
                .replace("cycle: 1m", "cycle: 1m\n    consistencyWindow: -PT5S")
                .replace("maxWaiting: 5", "maxWaiting: 5\n      maxLifetime: 5m"));
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains(file + ":2: director.sweepEvery: must be at least 1, not 0")
                .contains(file + ":13: queues[0].consistencyWindow: must not be negative")
                .contains(file + ":17: queues[0].limits.maxLifetime: must be at least 10m, not 5m");
    }

    @Test
    void inspectionReadsTheDatabaseWhileADriversParametersAreWrongWhichConfigCheckNames() throws IOException {
        String database = "database:\n  url: " + TestDatabases.newDatabaseUrl() + "\n  user: postgres\n";
        assertThat(Cli.run("db", "migrate", "--config", write(VALID + database).toString()).exitCode()).isZero();
        Path file = write(VALID.replace("command: [/bin/true]", "command: [/bin/true]\n      colour: red") + database);

        Cli pilots = Cli.run("pilots", "--config", file.toString());
        assertThat(pilots.exitCode()).as(pilots.err()).isZero();
        Cli check = Cli.run("config", "check", file.toString());
        assertThat(check.exitCode()).isEqualTo(2);
        assertThat(check.err()).contains("queues[0].parameters.colour: is not a parameter of this driver");
        Cli submit = Cli.run("submit", "--queue", "q1", "--dry-run", "--config", file.toString());
        assertThat(submit.exitCode()).as("the commands that use the driver check it").isEqualTo(2);
    }

    @Test
    void theMetricsPortAndAddressAreChecked() throws IOException {
        Path file = write(VALID.replace("director:\n", "director:\n  metricsPort: 70000\n  metricsAddress: \"\"\n"));
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(file + ":2: director.metricsPort: must be at most 65535, not 70000")
                .contains(file + ":3: director.metricsAddress: is empty");
        assertThat(Cli.run("config", "check", write(VALID.replace("director:\n", "director:\n  metricsPort: 9100\n"))
                .toString()).exitCode()).isZero();
    }

    @Test
    void thePilotAndProxySectionsAreChecked() throws IOException {
        Path part = Files.writeString(dir.resolve("part.txt"), "no first line cloud-init knows\n");
        Path file = write(VALID.replace("      command: [/bin/true]\n", "")
                + "proxy:\n  file: " + dir.resolve("missing.pem") + "\n  delegate: 5m\n"
                + "pilot:\n  locations: [ftp://example.org/pilot]\n  templates: " + dir.resolve("nowhere") + "\n"
                + "  userDataParts: [" + part + "]\n  cvmfs: {httpProxy: 'http://squid:3128'}\n");
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains("proxy.file: '" + dir.resolve("missing.pem") + "' is not a file")
                .contains("proxy.delegate: must be at least 30m, not 5m")
                .contains("pilot.locations[0]: 'ftp://example.org/pilot' is neither an http(s) or file: URL nor an absolute directory")
                .contains("pilot.templates: '" + dir.resolve("nowhere") + "' is not a directory")
                .contains("pilot.userDataParts[0]: '" + part + "' must start with #cloud-config")
                .contains("pilot.cvmfs.repositories: is required");
    }

    @Test
    void aQueueWhosePilotsRunTheWrapperNeedsThePilotFilesLocations() throws IOException {
        Path file = write(VALID.replace("      command: [/bin/true]\n", "      killGrace: 5s\n"));
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("queues[0]: its pilots run the DIRAC pilot wrapper, which needs pilot.locations");

        Path fixed = write(VALID.replace("      command: [/bin/true]\n", "      killGrace: 5s\n")
                + "pilot:\n  locations: [https://dirac.example.org/pilot]\n");
        assertThat(Cli.run("config", "check", fixed.toString()).exitCode()).isZero();
    }

    @Test
    void everyWrongTypeIsNamedInOneRun() throws IOException {
        Path file = write(VALID.replace("maxRunning: 10", "maxRunning: ten").replace("cycle: 1m", "cycle: soon")
                .replace("maxWaiting: 5", "maxWaiting: [5]"));
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains(file + ":11: queues[0].cycle: 'soon' is not a duration")
                .contains(file + ":13: queues[0].limits.maxRunning: 'ten' is not a whole number")
                .contains(file + ":14: queues[0].limits.maxWaiting: expected a whole number");
    }

    @Test
    void aWrongTypeIsNamed() throws IOException {
        Path file = write(VALID.replace("maxRunning: 10", "maxRunning: ten"));
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(file + ":13: queues[0].limits.maxRunning: 'ten' is not a whole number");
    }

    @Test
    void aBadDurationIsNamed() throws IOException {
        Path file = write(VALID.replace("cycle: 1m", "cycle: 1 minute"));
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(file + ":11: queues[0].cycle: '1 minute' is not a duration");
    }

    @Test
    void driverParametersAreCheckedByTheDriver() throws IOException {
        Path file = write(VALID.replace("command: [/bin/true]", "comand: [/bin/true]"));
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains(file + ":16: queues[0].parameters.comand: is not a parameter of this driver");
    }

    @Test
    void missingFieldsAndDuplicateNamesAreAllReportedAtOnce() throws IOException {
        String second = VALID.substring(VALID.indexOf("  - name: q1")).replace("    site: LOCAL.Test.de\n", "");
        Path file = write(VALID + second);
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains(file + ":17: queues[1].name: 'q1' names two queues")
                .contains(file + ":17: queues[1].site: is required");
    }

    @Test
    void aQueueMustNameADeclaredSite() throws IOException {
        Path file = write(VALID.replace("site: LOCAL.Test.de", "site: LOCAL.Tset.de"));
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(file + ":7: queues[0].site: 'LOCAL.Tset.de' is not in the sites section"
                + " (declared: LOCAL.Test.de)");
    }

    @Test
    void aZeroOrNegativeSiteCapIsNamedWithItsSite() throws IOException {
        Path file = write(VALID.replace("{maxCores: 8}", "{maxCores: 0, maxRunning: -2}"));
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .contains(file + ":4: sites[\"LOCAL.Test.de\"].maxCores: must be at least 1, not 0")
                .contains(file + ":4: sites[\"LOCAL.Test.de\"].maxRunning: must be at least 1, not -2");
    }

    @Test
    void aKeyWrittenTwiceIsNamed() throws IOException {
        Path file = write(VALID.replace("maxWaiting: 5", "maxWaiting: 5\n      maxWaiting: 6"));
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(file + ":15:").contains("Duplicate field 'maxWaiting'");
    }

    @Test
    void aMissingFileIsAConfigError() {
        Cli result = Cli.run("config", "check", dir.resolve("nope.yaml").toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("nope.yaml: no such file");
    }

    @Test
    void brokenYamlIsReportedWithItsLine() throws IOException {
        Path file = write("queues: [\n  {name: q1,\n");
        Cli result = Cli.run("config", "check", file.toString());
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(file + ":").contains("not valid YAML");
    }
}
