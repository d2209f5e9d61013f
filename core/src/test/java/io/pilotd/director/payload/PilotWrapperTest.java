package io.pilotd.director.payload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pilotd.director.config.DirectorSettings;
import io.pilotd.director.config.PilotSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.ProxySettings;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.cycle.QueueCycle;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.testing.ExternalTool;
import io.pilotd.director.testing.PilotFiles;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.local.LocalDriverFactory;
import io.pilotd.proxy.TestCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DIRAC pilot wrapper, run for real by the local driver as every pilot runs it: against a
 * stand-in dirac-pilot.py that records its options and checks the proxy file it is given.
 */
class PilotWrapperTest {
    private static final String DIRECTOR = "wrapper-test";
    /** Exits 8 when the proxy is not a 0600 file, else with $STANDIN_EXIT, after recording what it got. */
    private static final String STAND_IN = """
            import json, os, stat, sys
            proxy = os.environ.get("X509_USER_PROXY")
            mode = oct(stat.S_IMODE(os.stat(proxy).st_mode))[2:] if proxy else None
            first = open(proxy).readline().strip() if proxy else None
            uuid = sys.argv[sys.argv.index("--pilotUUID") + 1]
            with open(os.path.join(os.environ["RECORD_DIR"], uuid + ".json"), "w") as f:
                json.dump({"args": sys.argv[1:], "proxyMode": mode, "proxyFirstLine": first,
                           "proxyVariable": os.environ.get("PILOTD_PROXY")}, f)
            if mode != "600":
                sys.exit(8)
            sys.exit(int(os.environ.get("STANDIN_EXIT", "0")))
            """;
    private static final TestCredentials CREDENTIALS = TestCredentials.create();

    @TempDir
    Path dir;
    private Database db;
    private Path files;
    private Path records;

    @BeforeEach
    void setUp() throws Exception {
        // The stand-in pilot is Python, as DIRAC's is.
        ExternalTool.assumeInstalled("python3");
        db = TestDatabases.fresh();
        records = Files.createDirectories(dir.resolve("records"));
        files = PilotFiles.write(dir, Map.of("dirac-pilot.py", STAND_IN, "pilotTools.py", "# a pilot module\n"));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** Runs cycles of a local queue with one waiting job until its pilot has ended. */
    private PilotRecord runOnePilot(String exit) throws Exception {
        // One pilot at a time: a running pilot does not cover the waiting job, so later cycles would start more.
        QueueConfig q = Queues.queue("q", 1, 1, 1);
        Queues.sync(db, q);
        Queues.demand(db, "q", 1);
        Path proxy = CREDENTIALS.proxy().voms(Queues.VO, "/" + Queues.VO).writeTo(dir.resolve("proxy.pem"));
        PilotSettings pilot = new PilotSettings("Test-Setup", "dips://cs.example.org:9135", "v9.0", "DIRAC", List.of("TestExt"),
                List.of("https://127.0.0.1:1/nothing-here", files.toString()), List.of("--debug"), null, null, null);
        PilotdConfig config = new PilotdConfig(DirectorSettings.defaults(), null,
                new ProxySettings(proxy.toString(), Duration.ofHours(1), null, null), pilot,
                Map.of(q.site(), SiteConfig.uncapped()), List.of(q));
        QueueCycle cycle = new QueueCycle(db.jdbi(), PilotEnvironment.of(config, DIRECTOR, Clock.systemUTC()), DIRECTOR,
                Clock.systemUTC(), 10);
        try (PilotDriver driver = new LocalDriverFactory().create(new DriverParameters(Map.of("environment",
                Map.of("RECORD_DIR", records.toString(), "STANDIN_EXIT", exit))), new DriverContext(DIRECTOR, "q", dir.resolve("work")))) {
            assertThat(driver.runsPilotWrapper()).isTrue();
            assertThat(cycle.run("q", driver).submitted()).isEqualTo(1);
            Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
            while (Instant.now().isBefore(deadline)) {
                PilotRecord ran = new PilotStore(db.jdbi()).list("q", null, 10).get(0);
                if (ran.status().isFinal()) {
                    return ran;
                }
                Thread.sleep(200);
                cycle.run("q", driver);
            }
            PilotRecord last = new PilotStore(db.jdbi()).list("q", null, 10).get(0);
            throw new AssertionError("the pilot did not end in 2 minutes: " + last.status() + " " + last.statusReason()
                    + "\n" + driver.output(last.jobRef()).orElse("(no output)"));
        }
    }

    @Test
    void thePilotRunsWithDiracsOptionsItsStampAndAPrivateProxyAndEndsDone() throws Exception {
        PilotRecord pilot = runOnePilot("0");

        assertThat(pilot.status().name()).as(pilot.statusReason()).isEqualTo("Done");
        JsonNode record = new ObjectMapper().readTree(records.resolve(pilot.stamp() + ".json").toFile());
        assertThat(record.at("/args").toString()).isEqualTo("[\"-S\",\"Test-Setup\",\"-C\",\"dips://cs.example.org:9135\","
                + "\"-l\",\"DIRAC\",\"-r\",\"v9.0\",\"-e\",\"TestExt\",\"-N\",\"ce.q\",\"-Q\",\"default\",\"-n\",\"SITE.q.de\","
                + "\"--wnVO\",\"" + Queues.VO + "\",\"--pilotUUID\",\"" + pilot.stamp() + "\",\"--debug\"]");
        assertThat(record.at("/proxyMode").asText()).isEqualTo("600");
        assertThat(record.at("/proxyFirstLine").asText()).isEqualTo("-----BEGIN CERTIFICATE-----");
        assertThat(record.at("/proxyVariable").isNull()).as("the proxy is in its file, not the environment").isTrue();
    }

    @Test
    void aPilotThatFailsMakesItsPilotFailed() throws Exception {
        PilotRecord pilot = runOnePilot("2");
        assertThat(pilot.status().name()).isEqualTo("Failed");
        assertThat(pilot.statusReason()).isEqualTo("exit code 2");
    }

    @Test
    void pilotFilesThatFailTheirChecksumsAreNeverRun() throws Exception {
        Files.writeString(files.resolve("checksums.sha512"), "0".repeat(128) + "  dirac-pilot.py\n");

        PilotRecord pilot = runOnePilot("0");

        assertThat(pilot.status().name()).isEqualTo("Failed");
        assertThat(pilot.statusReason()).isEqualTo("exit code 4");
        assertThat(records).isEmptyDirectory();
    }
}
