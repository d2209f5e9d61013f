package io.pilotd.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pilotd.director.config.ConfigLoader;
import io.pilotd.director.config.ConfigValidator;
import io.pilotd.director.config.DatabaseSettings;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.ConfigMirror;
import io.pilotd.director.store.Database;
import io.pilotd.director.testing.Cli;
import io.pilotd.director.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pilotd queues} shows what is in force, the database's queues as the daemon applied its
 * config, and the given file's values beside them where it says otherwise; retired queues too.
 */
class QueuesInForceTest {
    private static final String Q2 = """
              - name: q2
                site: LOCAL.Test.de
                ce: localhost
                queue: default
                driver: local
                cycle: 1m
                limits:
                  maxRunning: 4
                  maxWaiting: 2
                parameters:
                  command: [/bin/true]
            """;

    @TempDir
    Path dir;
    private Database db;
    private String url;

    @BeforeEach
    void setUp() {
        url = TestDatabases.newDatabaseUrl();
        db = Database.open(new DatabaseSettings(url, "postgres", null, null, 4), dir, Map.of());
        db.migrate();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private Path file(String name, String yaml) throws Exception {
        return Files.writeString(dir.resolve(name), yaml.replace("director:\n", "director:\n  dataDir: " + dir.resolve("data")
                + "\n") + "database:\n  url: " + url + "\n  user: postgres\n");
    }

    /** What the daemon does at its start with this file. */
    private void applied(Path file) {
        ConfigMirror.sync(db.jdbi(), new ConfigLoader(ConfigValidator.forInspection(DriverCatalog.load())).load(file));
    }

    private static Map<String, JsonNode> byQueue(Cli queues) throws Exception {
        Map<String, JsonNode> rows = new HashMap<>();
        new ObjectMapper().readTree(queues.out()).forEach(row -> rows.put(row.get("queue").asText(), row));
        return rows;
    }

    @Test
    void theDatabasesLimitsAreShownWithTheFilesBesideThemAndRetiredQueuesToo() throws Exception {
        applied(file("before.yaml", ConfigCheckTest.VALID + Q2));
        applied(file("running.yaml", ConfigCheckTest.VALID));
        Path edited = file("edited.yaml", ConfigCheckTest.VALID.replace("maxRunning: 10", "maxRunning: 20"));

        Cli queues = Cli.run("queues", "--format", "json", "--config", edited.toString());
        assertThat(queues.exitCode()).as(queues.err()).isZero();
        Map<String, JsonNode> rows = byQueue(queues);
        assertThat(rows.get("q1").get("maxRunning").asInt()).as("the limit in force").isEqualTo(10);
        assertThat(rows.get("q1").get("fileDiffers").asText()).isEqualTo("maxRunning 20 in the file");
        assertThat(rows.get("q1").get("retired").asBoolean()).isFalse();
        assertThat(rows.get("q2").get("retired").asBoolean()).as("no longer in the daemon's config").isTrue();
        assertThat(rows.get("q2").get("fileDiffers").asText()).isEqualTo("not in this file");
        assertThat(rows.get("q2").get("maxRunning").asInt()).isEqualTo(4);

        Cli sites = Cli.run("sites", "--format", "json", "--config",
                file("caps.yaml", ConfigCheckTest.VALID.replace("maxCores: 8", "maxCores: 16")).toString());
        assertThat(sites.exitCode()).as(sites.err()).isZero();
        JsonNode site = new ObjectMapper().readTree(sites.out()).get(0);
        assertThat(site.get("maxCores").asInt()).as("the cap in force, not the file's").isEqualTo(8);
        assertThat(site.get("queues").asText()).as("its queues in force").isEqualTo("q1");

        Cli same = Cli.run("queues", "--format", "json", "--config", file("same.yaml", ConfigCheckTest.VALID).toString());
        assertThat(byQueue(same).get("q1").get("fileDiffers").isNull()).as("the file and the database agree").isTrue();
    }
}
