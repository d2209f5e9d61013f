package io.pilotd.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.testing.Cli;
import io.pilotd.proxy.TestTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, as users make it: each is refused with exit code 2 and a message that names the
 * problem (file, line and path for a config), never a stack trace, and nothing is written.
 */
class BadInputTest {
    @TempDir
    Path dir;

    /** One bad input: the command line it makes, given a fresh directory, and what the refusal must say. */
    record Case(String name, Function<Path, String[]> args, String says) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The valid config, with its data directory in {@code dir}: anything written would show there. */
    private static String valid(Path dir) {
        return ConfigCheckTest.VALID.replace("director:\n", "director:\n  dataDir: " + dir.resolve("data") + "\n");
    }

    private static Path write(Path dir, String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path directory(Path dir, String name) {
        try {
            return Files.createDirectories(dir.resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A config naming a secret file of this mode, under this key. */
    private static Case secretOthersCanRead(String name, String file, String mode, String key) {
        return new Case(name, dir -> {
            Path secret = write(dir, file, "s3cret\n");
            try {
                Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString(mode));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {"config", "check", write(dir, "pilotd.yaml", valid(dir) + key + secret + "\n").toString()};
        }, "is readable by others (" + mode + "): chmod 600 it");
    }

    /** {@code config check} of the valid config changed by {@code change}. */
    private static Case config(String name, UnaryOperator<String> change, String says) {
        return new Case(name, dir -> new String[] {"config", "check", write(dir, "pilotd.yaml", change.apply(valid(dir))).toString()},
                says);
    }

    /** A command run with the valid config. */
    private static Case command(String name, String says, String... args) {
        return new Case(name, dir -> {
            String[] all = new String[args.length + 2];
            System.arraycopy(args, 0, all, 0, args.length);
            all[args.length] = "--config";
            all[args.length + 1] = write(dir, "pilotd.yaml", valid(dir)).toString();
            return all;
        }, says);
    }

    private static UnaryOperator<String> replace(String from, String to) {
        return yaml -> {
            if (!yaml.contains(from)) {
                throw new IllegalArgumentException("the valid config has no '" + from + "'");
            }
            return yaml.replace(from, to);
        };
    }

    private static UnaryOperator<String> prepend(String text) {
        return yaml -> text + yaml;
    }

    /** An issuer of bearer tokens, valid with the valid config. */
    private static final String TOKENS = """
            endpoint:
              tokens:
                - issuer: https://iam.example.org/
                  jwks: https://iam.example.org/jwk
                  audience: [https://endpoint.example.org]
                  vo: vo
                  groups: {/vo/pilots: [q1]}
            """;

    private static UnaryOperator<String> append(String text) {
        return yaml -> yaml + text;
    }

    static Stream<Case> cases() {
        return Stream.of(
                config("a bracket never closed", replace("command: [/bin/true]", "command: [/bin/true"), "not valid YAML: while parsing a flow sequence"),
                config("a tab for indentation", replace("  id: test-director", "\tid: test-director"), "not valid YAML: while scanning for the next token, found character '\\t(TAB)'"),
                new Case("a binary file", dir -> {
                    byte[] noise = new byte[512];
                    new Random(5).nextBytes(noise);
                    try {
                        return new String[] {"config", "check", Files.write(dir.resolve("pilotd.yaml"), noise).toString()};
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }, "pilotd.yaml"),
                new Case("a directory, not a file", dir -> new String[] {"config", "check", dir.toString()}, "cannot read"),
                new Case("no such file", dir -> new String[] {"config", "check", dir.resolve("nope.yaml").toString()}, "no such file"),
                config("a DIRAC touch rarer than PilotStalledDays allows", append("dirac:\n  touchEvery: 2d\n"),
                        "dirac.touchEvery: must be at most 36h, not 2d: DIRAC's PilotStatusAgent takes a pilot not updated"),
                config("two DIRAC environments for the pilot", append("pilot:\n  preinstalledEnv: /cvmfs/a\n  cvmfsLocations: /cvmfs/b\n"),
                        "pilot.cvmfsLocations: cannot be set with preinstalledEnv: the pilot takes one DIRAC environment"),
                config("a shared area that is no absolute path", append("pilot:\n  sharedArea: cvmfs/lhcb\n"),
                        "pilot.sharedArea: 'cvmfs/lhcb' is not an absolute path on the worker"),
                config("a generic option without its value", append("pilot:\n  genericOptions: [/LocalSite/LocalCE]\n"),
                        "pilot.genericOptions[0]: '/LocalSite/LocalCE' is not a DIRAC configuration option"),
                config("a pip option on two lines", append("pilot:\n  pipInstallOptions: \"--pre\\n--user\"\n"),
                        "pilot.pipInstallOptions: must be one line, without control characters"),
                config("a retention shorter than a day", replace("  id: test-director", "  id: test-director\n  retention: {cycles: 2h}"),
                        "director.retention.cycles: must be at least 1d, not 2h"),
                config("an unknown key whose value is a mapping", append("extras:\n  colour: blue\n"), ":18: extras: unknown key 'extras'"),
                config("an unknown key whose value is a list", append("plugins: [a, b]\n"), ":18: plugins: unknown key 'plugins'"),
                config("an unknown top-level key first, holding a mapping of dotted names (site: for sites:)",
                        prepend("site:\n  LOCAL.Test.de:\n    maxCores: 8\n"), ":1: site: unknown key 'site'"),
                config("an unknown top-level key first, holding a list", prepend("plugin:\n  - a\n"), ":1: plugin: unknown key 'plugin'"),
                config("an unknown top-level key first, holding a scalar", prepend("threads: 4\n"), ":1: threads: unknown key 'threads'"),
                config("an unknown top-level key first, holding nothing", prepend("site:\n"), ":1: site: unknown key 'site'"),
                config("an unknown top-level key between known ones, holding a mapping", replace("sites:\n", "site:\n  A.B.c: {maxCores: 1}\nsites:\n"),
                        ":4: site: unknown key 'site'"),
                config("an unknown queue key first, holding a mapping", replace("  - name: q1\n", "  - tags:\n      a.b: c\n    name: q1\n"),
                        ":7: queues[0].tags: unknown key 'tags'"),
                config("an unknown director key with a mapping", replace("  id: test-director", "  id: test-director\n  tuning:\n    x: 1"),
                        ":4: director.tuning: unknown key 'tuning'"),
                config("a number too big for its field", replace("maxRunning: 10", "maxRunning: 99999999999999999999"),
                        ":14: queues[0].limits.maxRunning: is too big for a whole number"),
                config("threads too big to be a number", replace("  id: test-director", "  id: test-director\n  threads: 10000000000"),
                        ":4: director.threads: is too big for a whole number"),
                config("a negative maxRunning", replace("maxRunning: 10", "maxRunning: -1"), "queues[0].limits.maxRunning: must not be negative"),
                config("a negative maxWaiting", replace("maxWaiting: 5", "maxWaiting: -5"), "queues[0].limits.maxWaiting: must not be negative"),
                config("a negative maxPerCycle", replace("maxWaiting: 5", "maxWaiting: 5\n      maxPerCycle: -1"),
                        "queues[0].limits.maxPerCycle: must not be negative"),
                config("a word for a number", replace("maxRunning: 10", "maxRunning: ten"), "'ten' is not a whole number"),
                config("a list for a number", replace("maxWaiting: 5", "maxWaiting: [5]"), "queues[0].limits.maxWaiting"),
                config("a cycle of zero", replace("cycle: 1m", "cycle: 0s"), ":12: queues[0].cycle: must be between 1s and 1h, not 0s"),
                config("a cycle of a hundred thousand days", replace("cycle: 1m", "cycle: 100000d"),
                        ":12: queues[0].cycle: must be between 1s and 1h, not 100000d"),
                config("a cycle that is no duration", replace("cycle: 1m", "cycle: soon"), "'soon' is not a duration"),
                config("a maxWaitingTime of zero", replace("maxWaiting: 5", "maxWaiting: 5\n      maxWaitingTime: 0s"),
                        "queues[0].limits.maxWaitingTime: must be longer than zero"),
                config("a lifetime too short", replace("maxWaiting: 5", "maxWaiting: 5\n      maxLifetime: 1m"),
                        "queues[0].limits.maxLifetime: must be at least 10m"),
                config("a negative consistency window", replace("cycle: 1m", "cycle: 1m\n    consistencyWindow: -PT1S"),
                        "queues[0].consistencyWindow: must not be negative"),
                config("a negative maxFailedPilots", replace("maxWaiting: 5", "maxWaiting: 5\n      maxFailedPilots: -1"),
                        "queues[0].limits.maxFailedPilots: must not be negative"),
                config("a failed-pilots window of zero", replace("maxWaiting: 5", "maxWaiting: 5\n      failedPilotsWindow: 0s"),
                        "queues[0].limits.failedPilotsWindow: must be longer than zero"),
                config("no threads", replace("  id: test-director", "  id: test-director\n  threads: 0"), "director.threads: must be at least 1"),
                config("too many threads", replace("  id: test-director", "  id: test-director\n  threads: 1000"),
                        "director.threads: must be at most 256"),
                config("a pool smaller than the threads need", append("database:\n  poolSize: 2\n"),
                        "database.poolSize: must be at least director.threads + 6"),
                config("a pool without the cluster duties' connection", append("database:\n  poolSize: 9\n"),
                        "database.poolSize: must be at least director.threads + 6 = 10 (a connection per cycle, Quartz's own"
                        + " and the director's, one for the work done once per cluster), not 9"),
                config("a sweep never", replace("  id: test-director", "  id: test-director\n  sweepEvery: 0"),
                        "director.sweepEvery: must be at least 1"),
                config("a submit ceiling of zero", replace("  id: test-director", "  id: test-director\n  maxSubmitCount: 0"),
                        "director.maxSubmitCount: must be at least 1"),
                config("no grace to stop", replace("  id: test-director", "  id: test-director\n  shutdownGrace: 0s"),
                        "director.shutdownGrace: must be longer than zero"),
                config("a director id that cannot be a tag", replace("id: test-director", "id: \"bad id!\""),
                        "director.id: 'bad id!' must be 1-64 letters"),
                config("a key given twice", append("director:\n  id: again\n"), "director"),
                config("two queues of one name", yaml -> yaml + yaml.substring(yaml.indexOf("  - name: q1")).replace("queues:\n", ""),
                        "queues[1].name: 'q1' names two queues"),
                config("a quote in a queue name", replace("name: q1", "name: \"q'1\""), "queues[0].name: 'q'1' must be 1-64 letters"),
                config("a semicolon in a queue name", replace("name: q1", "name: \"q;drop\""), "queues[0].name: 'q;drop' must be 1-64 letters"),
                config("a site nobody declared", replace("    site: LOCAL.Test.de", "    site: LOCAL.Nowhere.de"),
                        "queues[0].site: 'LOCAL.Nowhere.de' is not in the sites section"),
                config("a site cap of zero", replace("{maxCores: 8}", "{maxRunning: 0}"), "sites[\"LOCAL.Test.de\"].maxRunning: must be at least 1"),
                config("a site with nothing", replace("LOCAL.Test.de: {maxCores: 8}", "LOCAL.Test.de:"), "sites[\"LOCAL.Test.de\"]: is empty"),
                config("a queue with nothing", replace("queues:\n", "queues:\n  -\n"), "queues[0]: is empty"),
                config("no driver", replace("    driver: local\n", ""), "queues[0].driver: is required"),
                config("a driver not installed", replace("driver: local", "driver: lokal"), "queues[0].driver: unknown driver 'lokal'"),
                config("a local queue with neither its command nor the pilot files", replace("command: [/bin/true]", "killGrace: 5s"),
                        "queues[0]: its pilots run the DIRAC pilot wrapper, which needs pilot.locations"),
                config("a parameter the driver does not have", replace("command: [/bin/true]", "command: [/bin/true]\n      colour: red"),
                        "queues[0].parameters.colour: is not a parameter of this driver"),
                config("no processors", replace("    cycle: 1m", "    cycle: 1m\n    matching: {processors: 0}"),
                        "queues[0].matching.processors: must be at least 1"),
                config("negative memory", replace("    cycle: 1m", "    cycle: 1m\n    matching: {memoryMB: -1}"),
                        "queues[0].matching.memoryMB: must not be negative"),
                config("negative CPU time", replace("    cycle: 1m", "    cycle: 1m\n    matching: {maxCpuTime: -1}"),
                        "queues[0].matching.maxCpuTime: must not be negative"),
                config("a database that is not PostgreSQL", append("database:\n  url: jdbc:mysql://db/pilotd\n"),
                        "database.url: 'jdbc:mysql://db/pilotd' is not a PostgreSQL JDBC URL"),
                config("two ways to give one password", append("database:\n  passwordFile: /etc/x\n  passwordEnv: X\n"),
                        "database.passwordEnv: give passwordFile or passwordEnv, not both"),
                new Case("a password file that is missing", dir -> new String[] {"config", "check", write(dir, "pilotd.yaml",
                        valid(dir) + "database:\n  passwordFile: " + dir.resolve("db.password") + "\n").toString()},
                        "database.passwordFile: '"),
                secretOthersCanRead("a password file others can read", "db.password", "rw-r--r--", "database:\n  passwordFile: "),
                config("a demand source that is none", append("demand:\n  source: panda\n"),
                        "demand.source: 'panda' is not a demand source (one of: pilotd, dirac)"),
                config("DIRAC's demand without its database", append("demand:\n  source: dirac\n"),
                        "dirac.taskQueueDB: is required by demand.source: dirac"),
                config("a queue without a CPU time for DIRAC's matching", append("demand:\n  source: dirac\n"),
                        "queues[0].matching.maxCpuTime: is required with demand.source: dirac: DIRAC matches no task queue"),
                config("a required tag the queue does not offer", yaml -> replace("    cycle: 1m",
                        "    cycle: 1m\n    matching: {maxCpuTime: 3600, processors: 4, requiredTags: [4processors, GPU]}")
                        .apply(yaml) + "demand:\n  source: dirac\n",
                        "queues[0].matching.requiredTags[1]: 'GPU' is not among the tags the queue offers"),
                config("a TaskQueueDB that is not MariaDB", append("demand:\n  source: dirac\ndirac:\n  taskQueueDB:\n"
                        + "    url: jdbc:postgresql://dirac/TaskQueueDB\n    user: pilotd\n"),
                        "dirac.taskQueueDB.url: 'jdbc:postgresql://dirac/TaskQueueDB' is not a MariaDB Connector/J URL"),
                config("a PilotAgentsDB without a user", append("dirac:\n  pilotAgentsDB:\n    url: jdbc:mariadb://dirac/PilotAgentsDB\n"),
                        "dirac.pilotAgentsDB.user: is required"),
                config("a DIRAC poll of no time", append("demand:\n  poll: 0s\n"), "demand.poll: must be at least 1s, not 0s"),
                config("an OS beside a platform", replace("    cycle: 1m", "    cycle: 1m\n    matching: {platform: EL9, os: EL8}"),
                        "queues[0].matching.os: 'EL8' is ignored beside matching.platform 'EL9'"),
                config("an architecture without an OS", replace("    cycle: 1m", "    cycle: 1m\n    matching: {architecture: aarch64}"),
                        "queues[0].matching.architecture: 'aarch64' applies with matching.os only"),
                config("a DIRAC platform compatible with no OS", append("dirac:\n  osCompatibility:\n    Linux_x86_64_glibc-2.34: []\n"),
                        "pilotd.yaml:20: dirac.osCompatibility[\"Linux_x86_64_glibc-2.34\"]: lists no OS"),
                config("job types for pilotd's own task queue", replace("    cycle: 1m", "    cycle: 1m\n    matching: {jobTypes: [User]}"),
                        "queues[0].matching.jobTypes: applies to DIRAC's TaskQueueDB only"),
                secretOthersCanRead("a DIRAC password file others can read", "dirac.password", "rw-r--r--",
                        "dirac:\n  pilotAgentsDB:\n    url: jdbc:mariadb://dirac/PilotAgentsDB\n    user: pilotd\n    passwordFile: "),
                config("a metrics port past the last", replace("  id: test-director", "  id: test-director\n  metricsPort: 65536"),
                        "director.metricsPort: must be at most 65535, not 65536"),
                secretOthersCanRead("a proxy file others can read", "proxy.pem", "rw-r-----", "proxy:\n  file: "),
                config("every type error at once", replace("maxRunning: 10", "maxRunning: x").andThen(replace("cycle: 1m", "cycle: y"))::apply,
                        "queues[0].limits.maxRunning: 'x' is not a whole number"),
                config("an endpoint in plain HTTP on 0.0.0.0", append("endpoint:\n  address: 0.0.0.0\n  port: 8443\n"),
                        "endpoint: has a port and no certificate and key: it would speak plain HTTP, which it does on a"
                                + " loopback address only (behind a proxy that ends TLS), not on 0.0.0.0"),
                secretOthersCanRead("an endpoint key others can read", "endpoint.key", "rw-r--r--",
                        "endpoint:\n  port: 8443\n  certificate: /etc/hostname\n  key: "),
                new Case("an endpoint key of another certificate", dir -> {
                    TestTls.Pem one = TestTls.write(directory(dir, "one"));
                    TestTls.Pem other = TestTls.write(directory(dir, "other"));
                    return new String[] {"config", "check", write(dir, "pilotd.yaml", valid(dir) + "endpoint:\n  port: 8443\n"
                            + "  certificate: " + one.certificate() + "\n  key: " + other.key() + "\n").toString()};
                }, "this key does not match the certificate of"),
                config("an endpoint that takes no body", append("endpoint:\n  maxBodyKiB: 0\n"),
                        "endpoint.maxBodyKiB: must be at least 1, not 0"),
                config("trust anchors that are not there", append("endpoint:\n  trustAnchors: /nonexistent/certificates\n"),
                        "endpoint.trustAnchors: /nonexistent/certificates: cannot be read"),
                config("a price both per pilot-hour and per core-hour", replace("    cycle: 1m",
                        "    cycle: 1m\n    price: {perPilotHour: 0.2, perCoreHour: 0.05}"),
                        "queues[0].price: gives perPilotHour or perCoreHour, one of the two"),
                config("an empty-pilot threshold over 100 percent", replace("      maxWaiting: 5",
                        "      maxWaiting: 5\n      emptyPilots: {threshold: 150}"),
                        "queues[0].limits.emptyPilots.threshold: must be at most 100, not 150"),
                config("a token issuer whose group names a queue the config lacks", append(TOKENS.replace("[q1]", "[nosuch]")),
                        "endpoint.tokens[0].groups./vo/pilots: 'nosuch' is not a queue of this config"),
                config("a token issuer whose keys come over plain HTTP", append(TOKENS.replace("https://iam.example.org/jwk",
                        "http://iam.example.org/jwk")), "endpoint.tokens[0].jwks: 'http://iam.example.org/jwk' is plain HTTP"),
                config("a token issuer with no audience", append(TOKENS.replace("      audience: [https://endpoint.example.org]\n", "")),
                        "endpoint.tokens[0].audience: is required"),
                config("a token issuer whose key file is not there", append(TOKENS.replace("https://iam.example.org/jwk",
                        "/nonexistent/iam.jwks")), "endpoint.tokens[0].jwks: '/nonexistent/iam.jwks' is neither an https URL nor a file"),
                command("an API key for a queue the config lacks", "no queue named 'nosuch'",
                        "endpoint", "key", "add", "k", "--vo", "vo", "--queue", "nosuch"),
                command("an API key of no rate", "--rate must be at least 1, not 0",
                        "endpoint", "key", "add", "k", "--vo", "vo", "--queue", "q1", "--rate", "0"),
                command("an API key that expires at once", "--expires-in must be at least 1h, not 10m",
                        "endpoint", "key", "add", "k", "--vo", "vo", "--queue", "q1", "--expires-in", "10m"),
                command("an API key named like no key", "'bad/name' must be 1-64 letters",
                        "endpoint", "key", "add", "bad/name", "--vo", "vo", "--queue", "q1"),
                command("a negative --limit", "--limit must not be negative, not -1", "pilots", "--limit", "-1"),
                command("an unknown queue for pilots", "nosuch", "pilots", "--queue", "nosuch"),
                command("a status that is no status", "Bogus", "pilots", "--status", "Bogus"),
                command("a format that is no format", "xml", "pilots", "--format", "xml"),
                command("a negative --demo", "--demo must not be negative, not -1", "run", "--demo", "-1"),
                command("submit to an unknown queue", "nosuch", "submit", "--queue", "nosuch"),
                command("--force without --count", "--force needs --count", "submit", "--queue", "q1", "--force"),
                command("a --count of zero", "--count must be at least 1, not 0", "submit", "--queue", "q1", "--count", "0"),
                command("a forced count over the ceiling", "--count 100000 is more than director.maxSubmitCount (1000)",
                        "submit", "--queue", "q1", "--force", "--count", "100000"),
                new Case("jobs for pilotd's task queue while DIRAC's is the demand", dir -> new String[] {"tq", "add", "--vo", "vo", "--jobs", "1",
                        "--config", write(dir, "pilotd.yaml", valid(dir).replace("    cycle: 1m", "    cycle: 1m\n    matching: {maxCpuTime: 3600}")
                                + "demand:\n  source: dirac\ndirac:\n  taskQueueDB:\n"
                                + "    url: jdbc:mariadb://dirac/TaskQueueDB\n    user: pilotd\n").toString()}, "the demand comes from DIRAC's TaskQueueDB"),
                command("a command that does not exist", "frobnicate", "frobnicate"),
                command("queues in a format that is no format", "yaml", "queues", "--format", "yaml"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithAClearMessageAndNothingWritten(Case bad) {
        Cli result = Cli.run(bad.args().apply(dir));
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains(bad.says()).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(dir.resolve("data")).as("nothing written").doesNotExist();
    }
}
