package io.pilotd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole loop on one machine, through the real launcher and the local driver. */
class DirectorLoopIT {
    @TempDir
    Path dataDir;

    @Test
    void theReadmeDemoTurnsWaitingJobsIntoPilotsUntilTheTaskQueueDrains() throws Exception {
        Pilotd.Run demo = Pilotd.run(dataDir, "run", "--demo", "6");

        assertThat(demo.exitCode()).as(demo.err()).isZero();
        assertThat(demo.err()).contains("demo: 6 waiting jobs added").contains("submitted=")
                .contains("no demand left and no pilot alive: stopping");
        Pilotd.Run tq = Pilotd.run(dataDir, "tq", "list", "--format", "csv");
        assertThat(tq.out()).contains(",6\n").as("6 jobs done, none waiting").contains(",0,0,6");
        Pilotd.Run pilots = Pilotd.run(dataDir, "pilots", "--format", "csv");
        assertThat(pilots.out().lines().skip(1)).isNotEmpty().allSatisfy(line -> assertThat(line).contains(",Done,"));
        Pilotd.Run queues = Pilotd.run(dataDir, "queues");
        assertThat(queues.out()).contains("demand");
    }

    @Test
    void aManualSubmitOfThreeWhileTheDaemonRunsGivesThreePilotsThatReachDone() throws Exception {
        try (Pilotd.Daemon daemon = new Pilotd.Daemon(dataDir)) {
            Pilotd.Run submit = Pilotd.run(dataDir, "submit", "--queue", "local", "--count", "3", "--format", "csv");
            assertThat(submit.exitCode()).as(submit.err()).isZero();
            assertThat(submit.err()).contains("submitting 3 pilot(s) (decided by requested)");
            assertThat(submit.out().lines().skip(1)).hasSize(3)
                    .allSatisfy(line -> assertThat(line).matches("[0-9a-f]{32},local://[^,]+/[0-9a-f]{32},Submitted"));

            Pilotd.await(Duration.ofMinutes(2), () -> {
                try {
                    Pilotd.Run pilots = Pilotd.run(dataDir, "pilots", "--status", "Done", "--format", "csv");
                    return pilots.out().lines().skip(1).count() == 3;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, "3 pilots Done");
            assertThat(daemon.stop()).as("SIGTERM exits 0").isZero();
            assertThat(daemon.log()).contains("SIGTERM received").contains("stopped");
        }
    }

    @Test
    void aSubmitToAnUnknownQueueIsAUsageError() throws Exception {
        Pilotd.Run submit = Pilotd.run(dataDir, "submit", "--queue", "nope", "--count", "1");
        assertThat(submit.exitCode()).isEqualTo(2);
        assertThat(submit.err()).contains("no queue named 'nope'").contains("local");
    }

    @Test
    void theDaemonAndACommandShareOneEmbeddedServer() throws Exception {
        try (Pilotd.Daemon daemon = new Pilotd.Daemon(dataDir)) {
            Pilotd.Run queues = Pilotd.run(dataDir, "queues");
            assertThat(queues.exitCode()).as(queues.err()).isZero();
            try (Connection c = Pilotd.database(dataDir);
                 ResultSet rs = c.createStatement().executeQuery(
                         "select count(*) from pg_stat_activity where application_name = 'pilotd'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("the daemon is still connected after the command left").isPositive();
            }
            assertThat(daemon.stop()).isZero();
        }
    }
}
