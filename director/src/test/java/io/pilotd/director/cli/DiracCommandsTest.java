package io.pilotd.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pilotd.director.config.DatabaseSettings;
import io.pilotd.director.demand.DemandStore;
import io.pilotd.director.dirac.DiracTaskQueue;
import io.pilotd.director.store.Database;
import io.pilotd.director.testing.Cli;
import io.pilotd.director.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands under DIRAC's demand: they show DIRAC's task queues as the daemon last read them, never pilotd's own. */
class DiracCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private String url;
    private String config;

    @BeforeEach
    void setUp() throws Exception {
        url = TestDatabases.newDatabaseUrl();
        config = Files.writeString(dir.resolve("pilotd.yaml"), """
                director:
                  id: dirac-cli
                  dataDir: %s
                database:
                  url: %s
                  user: postgres
                demand:
                  source: dirac
                dirac:
                  taskQueueDB:
                    # the commands never read DIRAC's database: nothing listens here
                    url: jdbc:mariadb://127.0.0.1:1/TaskQueueDB
                    user: pilotd
                sites:
                  LOCAL.Test.de: {}
                queues:
                  - name: q1
                    site: LOCAL.Test.de
                    ce: localhost
                    queue: default
                    driver: local
                    limits: {maxRunning: 10, maxWaiting: 10}
                    matching: {processors: 8, maxCpuTime: 86400}
                    parameters:
                      command: [/bin/true]
                """.formatted(dir.resolve("data"), url)).toString();
        assertThat(cli("db", "migrate").exitCode()).isZero();
    }

    private Cli cli(String... args) {
        return Cli.withConfig(config, args);
    }

    @Test
    void queuesShowsDiracsDemandAndTqListSaysPilotdsOwnWeighNothing() throws Exception {
        try (Database db = Database.open(new DatabaseSettings(url, "postgres", null, null, 2), dir, Map.of())) {
            // a command writes the configured queues; the daemon, at start-up and at each poll of
            // DIRAC's TaskQueueDB, the source and DIRAC's task queues
            assertThat(cli("queues").exitCode()).isZero();
            new DemandStore(db.jdbi()).use("dirac", false);
            new DemandStore(db.jdbi()).writeDirac(List.of(new DiracTaskQueue(7, "someone", "vo_user", "vo", 3600, 1, 6,
                    List.of("LOCAL.Test.de"), List.of(), List.of(), List.of("MultiProcessor", "4Processors"), List.of(),
                    List.of())), List.of(7L), Instant.now());
        }

        Cli queues = cli("queues", "--format", "json");
        assertThat(queues.exitCode()).as(queues.err()).isZero();
        JsonNode q1 = JSON.readTree(queues.out()).get(0);
        assertThat(q1.get("jobs").asInt()).isEqualTo(6);
        assertThat(q1.get("demand").asInt()).as("six 4-core jobs on 8-core pilots").isEqualTo(3);

        Cli list = cli("tq", "list");
        assertThat(list.exitCode()).isZero();
        assertThat(list.err()).contains("the demand comes from DIRAC's TaskQueueDB");
    }
}
