package io.pilotd.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pilotd.director.config.DatabaseSettings;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.daemon.Director;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.Database;
import io.pilotd.director.testing.Cli;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.TestDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pilotd directors}: who runs on the database, and which cluster duties each holds. */
class DirectorsCommandTest {
    @TempDir
    Path dir;

    @Test
    void theRunningDirectorIsListedWithTheDutiesItHolds() throws Exception {
        String url = TestDatabases.newDatabaseUrl();
        Path config = Files.writeString(dir.resolve("pilotd.yaml"), ConfigCheckTest.VALID.replace("director:\n",
                "director:\n  dataDir: " + dir.resolve("data") + "\n") + "database:\n  url: " + url + "\n  user: postgres\n");
        try (Database db = Database.open(new DatabaseSettings(url, "postgres", null, null, 12), dir, Map.of())) {
            db.migrate();
            QueueConfig queue = Daemons.queue("q", Duration.ofMinutes(1), Duration.ZERO, 1);
            Cli none = Cli.run("directors", "--format", "json", "--config", config.toString());
            assertThat(none.exitCode()).as(none.err()).isZero();
            assertThat(new ObjectMapper().readTree(none.out())).as("no director runs").isEmpty();

            try (Director director = Director.start(Daemons.config("listed-director", queue), db, DriverCatalog.load(),
                    dir.resolve("director"))) {
                Daemons.await("the director takes the retention duty", Duration.ofMinutes(1), () -> {
                    Cli running = Cli.run("directors", "--format", "json", "--config", config.toString());
                    JsonNode rows = readTree(running.out());
                    return rows.size() == 1 && rows.get(0).get("duties").asText().startsWith("retention since ");
                });
                JsonNode row = readTree(Cli.run("directors", "--format", "json", "--config", config.toString()).out()).get(0);
                assertThat(row.get("director").asText()).isEqualTo(director.id());
                assertThat(row.get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
                assertThat(row.get("clustered").asBoolean()).isFalse();
            }
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(json, e);
        }
    }
}
