package io.pilotd.director.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.report.Report;
import io.pilotd.director.report.ReportQuery;
import io.pilotd.director.report.ReportTable;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.QueueState;
import io.pilotd.director.store.QueueStore;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.StatusStore;
import io.pilotd.director.testing.ExternalTool;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.SeededPilots;
import io.pilotd.director.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page as a browser renders it (headless Chromium), its numbers checked against the
 * database; a screenshot is left in {@code target/status-page.png} to look at.
 */
class StatusPageTest {
    private static final Pattern ROW = Pattern.compile("<tr data-queue=\"([^\"]+)\"[^>]*>(.*?)</tr>", Pattern.DOTALL);
    private static final Pattern FIELD = Pattern.compile("data-field=\"(\\w+)\">([^<]*)<");
    private static final Pattern CARD = Pattern.compile("data-status=\"(\\w+)\">\\w+<b>(\\d+)</b>");

    @TempDir
    Path dir;
    private Database db;
    private StatusServer server;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        Queues.sync(db, Queues.queue("ec2-frankfurt", 50, 10, 5), Queues.queue("batch-ireland", 200, 20, 10),
                Queues.queue("openstack-cern", 30, 5, 5));
        SeededPilots pilots = new SeededPilots(db);
        pilots.add(7, "ec2-frankfurt", Duration.ofHours(1), Duration.ofMinutes(40), "", "Submitted", "Running");
        pilots.add(3, "ec2-frankfurt", Duration.ofMinutes(5), Duration.ofMinutes(4), "", "Submitted", "Waiting");
        pilots.add(12, "batch-ireland", Duration.ofHours(3), Duration.ofHours(2), "", "Submitted", "Running", "Done");
        pilots.add(4, "batch-ireland", Duration.ofHours(2), Duration.ofHours(1),
                "CannotPullContainerError: image pilot:latest not found", "Submitted", "Failed");
        pilots.add(2, "batch-ireland", Duration.ofMinutes(3), Duration.ofMinutes(3), "", "Submitting");
        pilots.add(2, "openstack-cern", Duration.ofMinutes(30), Duration.ofMinutes(20),
                "refused: Quota exceeded for cores: Requested 8, but already used 96 of 100 cores", "Aborted");
        Queues.demand(db, "ec2-frankfurt", 25);
        Queues.demand(db, "batch-ireland", 40);
        Instant now = Instant.now();
        cycle("ec2-frankfurt", now.minusSeconds(20), 25, 15, 5, "maxPerCycle", "");
        cycle("batch-ireland", now.minusSeconds(50), 40, 20, 10, "maxWaiting", "");
        // the cycle held its 2 unresolved pilots for 90 s
        db.jdbi().useHandle(h -> h.execute("update director_cycle set unresolved_hold_ms = 90000 where queue = 'batch-ireland'"));
        cycle("openstack-cern", now.minusSeconds(30), 0, 0, 0, "backoff", "submission refused: Quota exceeded");
        new QueueStore(db.jdbi()).backOff("openstack-cern", now.plus(Duration.ofMinutes(8)), "refused",
                "submission refused: Quota exceeded for cores");
        server = StatusServer.start("127.0.0.1", 0, "pilotd-demo", db, new DirectorMetrics(), PilotEnvironment.none("pilotd-demo"),
                List.of("ec2-frankfurt", "batch-ireland", "openstack-cern"));
    }

    @AfterEach
    void tearDown() {
        server.close();
        db.close();
    }

    private void cycle(String queue, Instant at, int jobs, int demand, int submitted, String factor, String errors) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                        insert into director_cycle (queue, director_id, started_at, ended_at, waiting_jobs, demand, waiting,
                                                    alive, submitted, deciding_factor, errors)
                        values (:queue, 'pilotd-demo', :at, :at, :jobs, :demand, 0, 0, :submitted, :factor, :errors)""")
                .bind("queue", queue).bind("at", at).bind("jobs", jobs).bind("demand", demand).bind("submitted", submitted)
                .bind("factor", factor).bind("errors", errors).execute());
    }

    private ExternalTool.Result chromium(String... args) throws Exception {
        String[] all = new String[args.length + 9];
        System.arraycopy(new String[] {"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium")}, 0, all, 0, 9);
        System.arraycopy(args, 0, all, 9, args.length);
        return ExternalTool.run("chromium", all);
    }

    @Test
    void theRenderedPageShowsTheDatabasesNumbers() throws Exception {
        String url = "http://127.0.0.1:" + server.port() + "/";
        String html;
        try (ClusterDuties another = new ClusterDuties(db.jdbi(), "director-b")) {
            assertThat(another.hold(ClusterDuties.Duty.DIRAC_POLL)).isTrue();
            ExternalTool.Result dom = chromium("--dump-dom", url);
            assertThat(dom.exitCode()).as(dom.output()).isZero();
            html = dom.output();
        }

        Map<String, Map<String, String>> rows = fieldsByQueue(html, "queues", "pilots");
        List<QueueState> states = new StatusStore(db.jdbi()).queues();
        assertThat(rows).hasSize(states.size());
        for (QueueState q : states) {
            assertThat(rows.get(q.name())).as(q.name()).isEqualTo(Map.of(
                    "waitingJobs", String.valueOf(q.waitingJobs()), "demand", String.valueOf(q.demand()),
                    "waiting", String.valueOf(q.pilots().waiting()), "running", String.valueOf(q.pilots().running()),
                    "alive", String.valueOf(q.pilots().alive()), "decidedBy", q.decidedBy()));
        }
        assertThat(rows.get("ec2-frankfurt")).containsEntry("running", "7").containsEntry("waiting", "3");
        assertThat(html).as("pilots whose submission's outcome is unknown, held against the limits")
                .containsPattern("2 unresolved since \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC, held until "
                        + "\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC");
        assertThat(html).contains("refused until").contains("Quota exceeded for cores");

        Map<String, Integer> cards = new HashMap<>();
        Matcher card = CARD.matcher(html);
        while (card.find()) {
            cards.put(card.group(1), Integer.parseInt(card.group(2)));
        }
        ReportTable pilots = new ReportQuery(db.jdbi()).read(Report.PILOTS, null, null, null);
        Map<String, Integer> expected = new HashMap<>();
        for (List<Object> r : pilots.rows()) {
            expected.merge((String) r.get(pilots.columns().indexOf("status")), (Integer) r.get(pilots.columns().indexOf("pilots")),
                    Integer::sum);
        }
        assertThat(cards).isEqualTo(expected).containsEntry("Running", 7).containsEntry("Done", 12);

        Map<String, Map<String, String>> work = fieldsByQueue(html, "work", "failures");
        assertThat(work.get("batch-ireland")).as("12 ran 1 h and took no job (pilotd's task queue gave none), 4 failed after 1 h")
                .isEqualTo(Map.of("ended", "16", "empty", "12", "jobsPerPilot", "0.00", "pilotHours", "16.0", "cost", "–",
                        "emptyCost", "–"));

        String failures = html.substring(html.indexOf("id=\"failures\""));
        assertThat(failures).contains("CannotPullContainerError: image pilot:latest not found")
                .contains("Quota exceeded for cores: Requested 8");
        assertThat(html.substring(html.indexOf("id=\"duties\""))).as("who polls DIRAC for the cluster")
                .containsPattern("data-duty=\"dirac-poll\"><td>dirac-poll</td><td data-field=\"director\">director-b</td>")
                .doesNotContain("pilotagents-mirror");
    }

    /** Each queue's row of the table of this id (the page up to the element of the next id): its fields by name. */
    private static Map<String, Map<String, String>> fieldsByQueue(String html, String table, String next) {
        Map<String, Map<String, String>> rows = new HashMap<>();
        Matcher row = ROW.matcher(html.substring(html.indexOf("id=\"" + table + "\""), html.indexOf("id=\"" + next + "\"")));
        while (row.find()) {
            Map<String, String> fields = new HashMap<>();
            Matcher field = FIELD.matcher(row.group(2));
            while (field.find()) {
                fields.put(field.group(1), field.group(2));
            }
            rows.put(row.group(1), fields);
        }
        return rows;
    }

    @Test
    void aScreenshotOfThePageOnALaptopScreen() throws Exception {
        Path png = Path.of("target", "status-page.png").toAbsolutePath();
        Files.deleteIfExists(png);
        ExternalTool.Result shot = chromium("--screenshot=" + png, "--window-size=1440,900", "--hide-scrollbars",
                "http://127.0.0.1:" + server.port() + "/");
        assertThat(shot.exitCode()).as(shot.output()).isZero();
        assertThat(png).exists();
        assertThat(Files.size(png)).isGreaterThan(10_000);
    }
}
