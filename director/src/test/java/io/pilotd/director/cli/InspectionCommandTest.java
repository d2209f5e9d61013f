package io.pilotd.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pilotd.director.testing.Cli;
import io.pilotd.director.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pilotd pilot}, {@code logs} and {@code kill} on real local pilots: what an operator sees
 * of one pilot, its output, and killing it through the driver that started it.
 */
class InspectionCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private String config;
    private List<String> stamps;

    @BeforeEach
    void setUp() throws Exception {
        config = Files.writeString(dir.resolve("pilotd.yaml"), """
                director:
                  id: inspect
                  dataDir: %s
                database:
                  url: %s
                  user: postgres
                sites:
                  LOCAL.Test.de: {}
                queues:
                  - name: q1
                    site: LOCAL.Test.de
                    ce: localhost
                    queue: default
                    driver: local
                    limits: {maxRunning: 10, maxWaiting: 10}
                    parameters:
                      command: [sh, -c, "echo hello from $DIRAC_PILOT_STAMP; exec sleep 300"]
                      killGrace: 1s
                """.formatted(dir.resolve("data"), TestDatabases.newDatabaseUrl())).toString();
        assertThat(cli("db", "migrate").exitCode()).isZero();
        Cli submitted = cli("submit", "--queue", "q1", "--count", "3", "--force", "--format", "json");
        assertThat(submitted.exitCode()).as(submitted.err()).isZero();
        stamps = JSON.readTree(submitted.out()).findValuesAsText("stamp");
        assertThat(stamps).hasSize(3);
    }

    @AfterEach
    void tearDown() {
        cli("kill", "--queue", "q1", "--status", "Submitted", "--yes");
    }

    private Cli cli(String... args) {
        return Cli.withConfig(config, args);
    }

    @Test
    void pilotsAsJsonHaveEveryFieldPilotShows_theCloudsNativeIdAndHistoryToo() throws Exception {
        Cli listed = cli("pilots", "--format", "json");
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        JsonNode pilots = JSON.readTree(listed.out());
        assertThat(pilots).hasSize(3);

        for (JsonNode fromList : pilots) {
            JsonNode fromPilot = JSON.readTree(cli("pilot", fromList.get("stamp").asText(), "--format", "json").out());
            assertThat(fromList).as("pilots --format json, pilot %s", fromList.get("stamp")).isEqualTo(fromPilot);
            assertThat(fromList.get("nativeId").asText()).as("the local driver's process id").isNotBlank();
        }
    }

    @Test
    void pilotShowsEveryFieldAndTheStatusHistoryByStampOrJobRef() throws Exception {
        Cli byStamp = cli("pilot", stamps.get(0), "--format", "json");
        assertThat(byStamp.exitCode()).as(byStamp.err()).isZero();
        JsonNode pilot = JSON.readTree(byStamp.out());
        assertThat(pilot.get("stamp").asText()).isEqualTo(stamps.get(0));
        assertThat(pilot.get("status").asText()).isEqualTo("Submitted");
        assertThat(pilot.get("queue").asText()).isEqualTo("q1");
        assertThat(pilot.get("director").asText()).isEqualTo("inspect");
        assertThat(pilot.get("history")).extracting(h -> h.get("status").asText()).containsExactly("Submitting", "Submitted");

        Cli byJobRef = cli("pilot", pilot.get("jobRef").asText());
        assertThat(byJobRef.exitCode()).as(byJobRef.err()).isZero();
        assertThat(byJobRef.out()).contains(stamps.get(0)).contains("accepted by the cloud").contains("Submitting");
    }

    @Test
    void logsPrintsThePilotsOwnOutput() throws Exception {
        String stamp = stamps.get(1);
        Cli logs = null;
        for (int i = 0; i < 100 && (logs == null || logs.out().isEmpty()); i++) {
            Thread.sleep(100);
            logs = cli("logs", stamp);
        }
        assertThat(logs.exitCode()).as(logs.err()).isZero();
        assertThat(logs.out()).isEqualTo("hello from " + stamp + "\n");
    }

    @Test
    void killKillsThroughTheDriverAndLeavesEndedPilotsAlone() throws Exception {
        Cli unconfirmed = cli("kill", stamps.get(0));
        assertThat(unconfirmed.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unconfirmed.err()).contains("kill 1 pilot(s)? There is no terminal to ask on: confirm with --yes");

        Cli killed = cli("kill", stamps.get(0), "--yes", "--format", "json");
        assertThat(killed.exitCode()).as(killed.err()).isZero();
        assertThat(JSON.readTree(killed.out()).get(0).get("result").asText()).isEqualTo("Deleted");
        JsonNode pilot = JSON.readTree(cli("pilot", "pilotd://" + stamps.get(0), "--format", "json").out());
        assertThat(pilot.get("stamp").asText()).as("found by the reference DIRAC shows").isEqualTo(stamps.get(0));
        assertThat(pilot.get("diracReference").asText()).isEqualTo("pilotd://" + stamps.get(0));
        assertThat(pilot.get("status").asText()).isEqualTo("Deleted");
        assertThat(pilot.get("reason").asText()).startsWith("killed by pilotd kill (");

        // The local driver reads a pilot it killed as ended, whatever its process did.
        Cli again = cli("kill", stamps.get(0), stamps.get(1), "--yes");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).contains("left alone: already Deleted");

        Cli rest = cli("kill", "--queue", "q1", "--status", "Submitted", "--yes", "--format", "json");
        assertThat(rest.exitCode()).as(rest.err()).isZero();
        assertThat(JSON.readTree(rest.out()).findValuesAsText("stamp")).containsExactly(stamps.get(2));
    }

    @Test
    void namesAndSelectionsThatMatchNothingAreUsageErrors() {
        String none = "0".repeat(32);
        assertThat(cli("pilot", none).err()).contains("no pilot with the stamp, jobRef or DIRAC reference " + none);
        assertThat(cli("pilot", none).exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli("kill", none, "nope", "--yes").err())
                .contains("no pilot with the stamp, jobRef or DIRAC reference " + none + ", nope");
        assertThat(cli("logs", none).exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli("kill", "--yes").err()).contains("name the pilots to kill, or --queue Q --status S");
        assertThat(cli("kill", "--queue", "q1", "--yes").err()).contains("--queue and --status go together");
        assertThat(cli("kill", "--queue", "q1", "--status", "Done", "--yes").err()).contains("pilots Done cannot be killed");
        assertThat(cli("kill", "--queue", "nosuch", "--status", "Running", "--yes").err())
                .contains("no queue named 'nosuch' in the database (queues: q1)");
        assertThat(cli("kill", stamps.get(0), "--queue", "q1", "--status", "Running").err())
                .contains("name pilots or give --queue and --status, not both");
    }
}
