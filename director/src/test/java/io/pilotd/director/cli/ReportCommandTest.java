package io.pilotd.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pilotd.director.config.DatabaseSettings;
import io.pilotd.director.report.Report;
import io.pilotd.director.store.Database;
import io.pilotd.director.testing.Cli;
import io.pilotd.director.testing.SeededPilots;
import io.pilotd.director.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pilotd report}: the views through the command line, and its refusals. */
class ReportCommandTest {
    @TempDir
    Path dir;
    private Database db;
    private Path config;

    @BeforeEach
    void setUp() throws Exception {
        String url = TestDatabases.newDatabaseUrl();
        db = Database.open(new DatabaseSettings(url, "postgres", null, null, 4), dir, Map.of());
        db.migrate();
        config = Files.writeString(dir.resolve("pilotd.yaml"), ConfigCheckTest.VALID.replace("director:\n",
                "director:\n  dataDir: " + dir.resolve("data") + "\n") + "database:\n  url: " + url + "\n  user: postgres\n");
        Cli.run("queues", "--config", config.toString());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void listNamesEveryReportAndItsView() {
        Cli result = Cli.run("report", "--list");
        assertThat(result.exitCode()).as(result.err()).isZero();
        for (Report report : Report.values()) {
            assertThat(result.out()).contains(report.reportName()).contains(report.view());
        }
    }

    @Test
    void aReportPrintsItsViewsRowsForScripts() throws Exception {
        new SeededPilots(db).add(3, "q1", Duration.ofHours(1), Duration.ofMinutes(5), "exit 3", "Submitted", "Failed");
        new SeededPilots(db).add(2, "q1", Duration.ofDays(3), Duration.ofDays(2), "exit 3", "Submitted", "Failed");

        Cli day = Cli.run("report", "failures", "--queue", "q1", "--format", "json", "--config", config.toString());
        assertThat(day.exitCode()).as(day.err()).isZero();
        JsonNode rows = new ObjectMapper().readTree(day.out());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("reason").asText()).isEqualTo("exit 3");
        assertThat(rows.get(0).get("pilots").asInt()).isEqualTo(3);

        Cli week = Cli.run("--config", config.toString(), "report", "failures", "--since", "7d", "--format", "csv");
        assertThat(week.out().lines()).hasSize(3).first().asString().startsWith("hour,queue,status,reason,pilots");
    }

    @Test
    void misfitOptionsAndUnknownNamesAreRefusedBeforeTheDatabaseIsOpened() {
        Path data = dir.resolve("untouched");
        assertRefused(report(data, "nosuch"), "no report named 'nosuch' (reports: pilots, submissions");
        assertRefused(report(data), "name a report, or --list them");
        assertRefused(report(data, "demand", "--since", "2h"), "report demand shows the present: --since does not apply");
        assertRefused(report(data, "pilots", "--stuck-after", "2h"), "--stuck-after applies to report stuck only");
        assertRefused(report(data, "pilots", "--since", "soon"), "'soon' is not a duration");
        assertRefused(report(data, "pilots", "--since", "0s"), "must be longer than zero");
        assertThat(data).as("the embedded database was never started").doesNotExist();
        assertRefused(Cli.run("report", "pilots", "--queue", "nosuch", "--config", config.toString()),
                "no queue named 'nosuch' in the database (queues: q1)");
    }

    /** {@code pilotd report ARGS} on the built-in config, with its embedded database in {@code data}. */
    private static Cli report(Path data, String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "report";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--data-dir";
        all[args.length + 2] = data.toString();
        return Cli.run(all);
    }

    private static void assertRefused(Cli result, String says) {
        assertThat(result.exitCode()).as(result.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains(says).doesNotContain("\tat ");
    }
}
