package io.pilotd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.fakes.FakeDirac;
import java.net.InetAddress;
import java.net.ServerSocket;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directors clustered on one database: they share the queues and take over each other's, and
 * one of them polls DIRAC for all.
 */
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
            Pilotd.await(Duration.ofSeconds(60), () -> {
                try (Connection c = Pilotd.database(dataDir)) {
                    Set<String> both = new HashSet<>(queuesCycledBy(c, "node-a", Instant.EPOCH));
                    both.addAll(queuesCycledBy(c, "node-b", Instant.EPOCH));
                    return both.equals(Set.of("c1", "c2", "c3"));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, "every queue cycled by one of the two");
            try (Connection c = Pilotd.database(dataDir)) {
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

    private Path diracConfig(String directorId, String taskQueueDB) throws Exception {
        Path file = dataDir.resolve(directorId + ".yaml");
        Files.writeString(file, "director: {id: " + directorId + ", clustered: true}\n"
                + "demand: {source: dirac, poll: 1s}\n"
                + "dirac: {taskQueueDB: {url: '" + taskQueueDB + "', user: " + FakeDirac.USER + "}}\n"
                + "sites: {CLUSTER.Test.de: {}}\nqueues:\n"
                + (QUEUE.formatted("d1") + QUEUE.formatted("d2")).replace("matching: {vo: cluster}",
                        "matching: {vo: cluster, maxCpuTime: 86400}"));
        return file;
    }

    /** Who polls DIRAC now, and when DIRAC was last read. */
    private record Poll(String director, Instant readAt) {
    }

    private Poll poll() {
        try (Connection c = Pilotd.database(dataDir); ResultSet rs = c.createStatement().executeQuery("""
                select (select director_id from cluster_duty_holder where duty = 'dirac-poll'),
                       (select refreshed_at from demand_source)""")) {
            rs.next();
            return new Poll(rs.getString(1), rs.getTimestamp(2) == null ? null : rs.getTimestamp(2).toInstant());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The waiting jobs each cycle of a queue saw since the first one that saw any, oldest first. */
    private List<String> cyclesWithoutJobs(Connection c) throws SQLException {
        List<String> empty = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("""
                select queue, director_id, started_at from director_cycle
                where waiting_jobs = 0
                  and started_at > (select min(started_at) from director_cycle where waiting_jobs > 0)
                order by started_at""")) {
            while (rs.next()) {
                empty.add(rs.getString(1) + " by " + rs.getString(2) + " at " + rs.getTimestamp(3).toInstant());
            }
        }
        return empty;
    }

    @Test
    void oneDirectorPollsDiracTheNextTakesOverWhenItIsKilledAndNoCycleEverSeesNoJob() throws Exception {
        FakeDirac dirac = FakeDirac.fresh();
        dirac.addTaskQueue("cluster", "cluster_user", 3600, true, Map.of(), 500);
        String unreachable;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unreachable = "jdbc:mariadb://127.0.0.1:" + taken.getLocalPort() + "/TaskQueueDB";
        }
        Map<String, Pilotd.Daemon> nodes = new LinkedHashMap<>();
        try {
            nodes.put("node-a", new Pilotd.Daemon(dataDir, "--config", diracConfig("node-a", dirac.url()).toString()));
            Pilotd.await(Duration.ofSeconds(60), () -> poll().readAt() != null, "node-a to read DIRAC");
            // node-c never reaches DIRAC: it may take the poll, and must hand it over at once
            nodes.put("node-c", new Pilotd.Daemon(dataDir, "--config", diracConfig("node-c", unreachable).toString()));
            nodes.put("node-b", new Pilotd.Daemon(dataDir, "--config", diracConfig("node-b", dirac.url()).toString()));
            assertThat(poll().director()).as("the first director keeps the poll").isEqualTo("node-a");
            Instant joined = Instant.now();
            Pilotd.await(Duration.ofSeconds(60), () -> poll().readAt().isAfter(joined.plusSeconds(3)),
                    "three more polls with three directors");
            assertThat(poll().director()).isEqualTo("node-a");
            assertThat(nodes.get("node-b").log()).doesNotContain("polls DIRAC's TaskQueueDB for the cluster");
            assertThat(nodes.get("node-c").log()).doesNotContain("polls DIRAC's TaskQueueDB for the cluster");

            nodes.get("node-a").process.destroyForcibly().waitFor();
            Instant killed = Instant.now();
            Pilotd.await(Duration.ofSeconds(60), () -> "node-b".equals(poll().director()) && poll().readAt().isAfter(killed),
                    "node-b to take the poll and read DIRAC");
            System.out.printf("ClusterIT: DIRAC read by node-b %d ms after node-a was killed (poll: 1s)%n",
                    Duration.between(killed, poll().readAt()).toMillis());
            Instant taken = Instant.now();
            Pilotd.await(Duration.ofSeconds(60), () -> {
                try (Connection c = Pilotd.database(dataDir)) {
                    return queuesCycledBy(c, "node-b", taken).size() + queuesCycledBy(c, "node-c", taken).size() >= 2;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, "cycles after the take-over");

            try (Connection c = Pilotd.database(dataDir)) {
                assertThat(cyclesWithoutJobs(c)).as("cycles that saw none of DIRAC's 500 waiting jobs").isEmpty();
                assertThat(overlappingCycles(c)).isEmpty();
            }
            assertThat(nodes.get("node-c").log()).as("node-c, which cannot reach DIRAC, never zeroed its jobs")
                    .doesNotContain("count as none");
        } finally {
            for (Pilotd.Daemon node : nodes.values()) {
                node.close();
            }
        }
    }
}
