package io.pilotd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the built distribution's real launcher, as a user would. */
class LauncherIT {
    static final Path HOME = Path.of(System.getProperty("pilotd.home"));
    static final Path SOURCE = Path.of(System.getProperty("pilotd.source"));

    @TempDir
    Path dataDir;

    record Run(int exitCode, String out, String err) {
    }

    static Run pilotd(Path dataDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(HOME.resolve("bin/pilotd").toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile("pilotd", ".out");
        Path err = Files.createTempFile("pilotd", ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        builder.environment().put("PILOTD_DATA_DIR", dataDir.toString());
        builder.environment().remove("PILOTD_CONFIG");
        builder.environment().remove("PILOTD_DB_URL");
        Process process = builder.start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("pilotd " + String.join(" ", args) + " did not finish in 3 minutes");
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void dbMigrateCreatesTheSchemaOnAFreshDataDirThenIsANoOp() throws Exception {
        Run first = pilotd(dataDir, "db", "migrate");
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("embedded PostgreSQL in " + dataDir.resolve("pgdata")).contains("applied");
        assertThat(Files.exists(dataDir.resolve("pgdata/PG_VERSION"))).isTrue();

        Run second = pilotd(dataDir, "db", "migrate");
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("schema is current").contains("nothing to do");

        Run info = pilotd(dataDir, "db", "info", "--format", "json");
        assertThat(info.exitCode()).as(info.err()).isZero();
        assertThat(info.out()).contains("\"state\" : \"Success\"").doesNotContain("Pending");
    }

    @Test
    void queuesAndPilotsWorkOnTheEmbeddedDatabase() throws Exception {
        Run queues = pilotd(dataDir, "queues");
        assertThat(queues.exitCode()).as(queues.err()).isZero();
        assertThat(queues.out()).contains("QUEUE").contains("local").contains("LOCAL.Demo.local");

        Run pilots = pilotd(dataDir, "pilots", "--format", "json");
        assertThat(pilots.exitCode()).as(pilots.err()).isZero();
        assertThat(pilots.out().strip()).startsWith("[").endsWith("]");
    }

    @Test
    void configCheckPassesTheExampleAndRefusesABadFileWithExitCode2() throws Exception {
        Run good = pilotd(dataDir, "config", "check", SOURCE.resolve("etc/pilotd.example.yaml").toString());
        assertThat(good.exitCode()).as(good.err()).isZero();

        Path bad = dataDir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(SOURCE.resolve("etc/pilotd.example.yaml"))
                .replace("maxWaiting: 5", "maxWaiting: -5"));
        Run refused = pilotd(dataDir, "config", "check", bad.toString());
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).containsPattern(bad + ":\\d+: queues\\[0\\]\\.limits\\.maxWaiting: must not be negative");
    }

    @Test
    void helpListsTheExitCodes() throws Exception {
        Run help = pilotd(dataDir, "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Exit codes:").contains("2   usage or config error");
    }
}
