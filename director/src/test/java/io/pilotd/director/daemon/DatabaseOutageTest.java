package io.pilotd.director.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pilotd.director.config.DatabaseSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.DatabaseHealth;
import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.testing.Cli;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.FakeDriverFactory;
import io.pilotd.director.testing.Slow;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.fakes.FakeCloud;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The daemon through database outages: it submits nothing while the database is away, says so
 * once, and resumes by itself; nothing is lost or started twice.
 */
@Slow
class DatabaseOutageTest {
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Duration HANG_GUARD = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @BeforeEach
    void setUp() {
        FakeDriverFactory.reset();
    }

    private static PilotdConfig config() {
        return Daemons.config("outage-test", Daemons.queue("q", Duration.ofSeconds(1), Duration.ZERO, 2));
    }

    /** Every cloud resource is one pilot row with its jobRef, and no row is left unresolved. */
    private static void assertNothingLostOrDuplicated(Database db, FakeCloud cloud) {
        List<PilotRecord> rows = new PilotStore(db.jdbi()).list("q", null, 100_000);
        assertThat(rows).noneMatch(p -> p.status() == PilotStatus.Submitting);
        Set<String> refs = rows.stream().map(PilotRecord::jobRef).collect(Collectors.toSet());
        assertThat(cloud.resources()).extracting(FakeCloud.Resource::jobRef).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(refs);
        assertThat(cloud.resources()).allSatisfy(r -> assertThat(rows).anySatisfy(p -> {
            assertThat(p.stamp()).isEqualTo(r.stamp());
            assertThat(p.jobRef()).isEqualTo(r.jobRef());
        }));
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        Logger logger = (Logger) LoggerFactory.getLogger(DatabaseHealth.class);
        // A CLI command run in this JVM sets pilotd's logging for commands: this one is the daemon's.
        logger.setLevel(Level.INFO);
        logger.addAppender(appender);
        return appender;
    }

    private static long said(ListAppender<ILoggingEvent> log, Level level, String text) {
        return log.list.stream().filter(e -> e.getLevel() == level && e.getFormattedMessage().contains(text)).count();
    }

    @Test
    void anExternalDatabaseStoppedForThirtySecondsStopsSubmissionAndTheDaemonResumesByItself() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Path pgData = dir.resolve("external");
        EmbeddedPostgres server = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false)
                .setPort(port).start();
        ListAppender<ILoggingEvent> log = capture();
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        try (Database db = Database.open(new DatabaseSettings(url, "postgres", null, null, 12), dir, Map.of())) {
            db.migrate();
            db.jdbi().useHandle(h -> h.execute(
                    "insert into site (name) values ('SITE.q.de')"));
            FakeCloud cloud = FakeDriverFactory.cloud("q");
            try (Director director = Director.start(config(), db, DriverCatalog.load(), dir)) {
                io.pilotd.director.testing.Queues.demandAtSite(db, "SITE.q.de", 10_000);
                Daemons.await("two cycles", HANG_GUARD, () -> Daemons.cycles(db, "q") >= 2);

                server.close();
                int submitsWhenItWent = cloud.submitCalls.get();
                Thread.sleep(OUTAGE.toMillis());
                assertThat(cloud.submitCalls.get()).as("nothing submitted without the database")
                        .isLessThanOrEqualTo(submitsWhenItWent + 1);

                Instant back = Instant.now();
                server = EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).setPort(port).start();
                Daemons.await("cycles resume", HANG_GUARD, () -> Daemons.cyclesSince(db, "q", back) >= 3);
                assertThat(director.fatal()).isEmpty();
            }
            assertNothingLostOrDuplicated(db, cloud);
        } finally {
            server.close();
        }
        assertThat(said(log, Level.WARN, "the database is unreachable")).as("the outage, said once").isEqualTo(1);
        assertThat(said(log, Level.INFO, "the database is back after")).as("and its end").isEqualTo(1);
    }

    @Test
    void theEmbeddedDatabaseKilledDuringCyclesIsStartedAgainAndNothingIsLost() throws Exception {
        Path dataDir = dir.resolve("data");
        try (Database db = Database.open(new DatabaseSettings(null, null, null, null, 12), dataDir, Map.of())) {
            db.migrate();
            FakeCloud cloud = FakeDriverFactory.cloud("q");
            try (Director director = Director.start(config(), db, DriverCatalog.load(), dataDir)) {
                io.pilotd.director.testing.Queues.demandAtSite(db, "SITE.q.de", 10_000);
                Daemons.await("two cycles", HANG_GUARD, () -> Daemons.cycles(db, "q") >= 2);

                long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("pgdata/postmaster.pid")).get(0).trim());
                ProcessHandle.of(postmaster).orElseThrow().destroyForcibly();

                Instant killed = Instant.now();
                Daemons.await("the server started again", HANG_GUARD, () -> Files.exists(dataDir.resolve("pgdata/postmaster.pid"))
                        && !readPid(dataDir).equals(Long.toString(postmaster)));
                Daemons.await("cycles resume", HANG_GUARD, () -> Daemons.cyclesSince(db, "q", killed) >= 3);
                Cli pilots = Cli.run("pilots", "--data-dir", dataDir.toString(), "--limit", "1");
                assertThat(pilots.exitCode()).as("a command meanwhile: %s", pilots.err()).isZero();
                assertThat(director.fatal()).isEmpty();
            }
            assertNothingLostOrDuplicated(db, cloud);
        }
    }

    private static String readPid(Path dataDir) {
        try {
            return Files.readAllLines(dataDir.resolve("pgdata/postmaster.pid")).get(0).trim();
        } catch (Exception e) {
            return "";
        }
    }
}
