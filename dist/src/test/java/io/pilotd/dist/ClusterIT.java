package io.pilotd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two directors, clustered on one database: they share the queues and take over each other's. */
class ClusterIT {
    private static final String QUEUE = """
              - name: %s
                site: CLUSTER.Test.de
                ce: localhost
                queue: default
                driver: local
                cycle: 1s
                limits: {maxRunning: 2, maxWaiting: 2, maxPerCycle: 2}
                matching: {vo: cluster}
                parameters:
                  command: [/bin/sh, -c, "sleep 1"]
            """;

    @TempDir
    Path dataDir;

    private Path config(String directorId) throws Exception {
        Path file = dataDir.resolve(directorId + ".yaml");
        Files.writeString(file, "director: {id: " + directorId + ", clustered: true}\n"
                + "sites: {CLUSTER.Test.de: {}}\nqueues:\n"
                + QUEUE.formatted("c1") + QUEUE.formatted("c2") + QUEUE.formatted("c3"));
        return file;
    }

    /** Each pair of cycles of one queue that ran at once, with who ran them and when: none is expected. */
    private static List<String> overlappingCycles(Connection c) throws SQLException {
        List<String> pairs = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("""
                select a.queue, a.director_id, a.started_at, a.ended_at, b.director_id, b.started_at, b.ended_at
                  from director_cycle a join director_cycle b
                  on a.queue = b.queue and a.id < b.id and a.started_at < b.ended_at and b.started_at < a.ended_at""")) {
            while (rs.next()) {
                pairs.add(rs.getString(1) + ": " + rs.getString(2) + " " + rs.getTimestamp(3).toInstant() + ".."
                        + rs.getTimestamp(4).toInstant() + " and " + rs.getString(5) + " " + rs.getTimestamp(6).toInstant()
                        + ".." + rs.getTimestamp(7).toInstant());
            }
        }
        return pairs;
    }

    private static Set<String> queuesCycledBy(Connection c, String director, Instant after) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "select distinct queue from director_cycle where director_id = ? and started_at > ?")) {
            s.setString(1, director);
            s.setTimestamp(2, Timestamp.from(after));
            Set<String> queues = new HashSet<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    queues.add(rs.getString(1));
                }
            }
            return queues;
        }
    }

    @Test
    void noQueueIsCycledByBothAtOnceAndTheSurvivorTakesAllQueues() throws Exception {
        Path a = config("node-a");
        Path b = config("node-b");
        Pilotd.Run seed = Pilotd.run(dataDir, "tq", "add", "--config", a.toString(), "--vo", "cluster", "--jobs", "1000");
        assertThat(seed.exitCode()).as(seed.err()).isZero();

        try (Pilotd.Daemon nodeA = new Pilotd.Daemon(dataDir, "--config", a.toString());
             Pilotd.Daemon nodeB = new Pilotd.Daemon(dataDir, "--config", b.toString())) {
            Thread.sleep(8_000);
            try (Connection c = Pilotd.database(dataDir)) {
                Set<String> both = new HashSet<>(queuesCycledBy(c, "node-a", Instant.EPOCH));
                both.addAll(queuesCycledBy(c, "node-b", Instant.EPOCH));
                assertThat(both).containsExactlyInAnyOrder("c1", "c2", "c3");
                assertThat(overlappingCycles(c)).isEmpty();
            }

            assertThat(nodeA.stop()).isZero();
            Instant stopped = Instant.now();
            Pilotd.await(Duration.ofSeconds(60), () -> {
                try (Connection c = Pilotd.database(dataDir)) {
                    return queuesCycledBy(c, "node-b", stopped).size() == 3;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, "node-b to cycle every queue after node-a stopped");

            try (Connection c = Pilotd.database(dataDir)) {
                assertThat(queuesCycledBy(c, "node-a", stopped)).isEmpty();
                assertThat(overlappingCycles(c)).isEmpty();
            }
            assertThat(nodeB.stop()).isZero();
        }
    }
}
