package io.pilotd.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pilotd.director.config.DemandSettings;
import io.pilotd.director.config.DiracSettings;
import io.pilotd.director.config.DirectorSettings;
import io.pilotd.director.config.PilotSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.ProxySettings;
import io.pilotd.director.cycle.QueueCycle;
import io.pilotd.director.demand.DemandStore;
import io.pilotd.director.dirac.DiracDatabase;
import io.pilotd.director.dirac.PilotAgentsMirror;
import io.pilotd.director.dirac.PilotAgentsOutbox;
import io.pilotd.director.dirac.PilotAgentsWriter;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.testing.ExternalTool;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.driver.jclouds.JcloudsDriverFactory;
import io.pilotd.driver.local.LocalDriverFactory;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeBatch;
import io.pilotd.fakes.FakeClock;
import io.pilotd.fakes.FakeDirac;
import io.pilotd.fakes.FakeEc2;
import io.pilotd.fakes.FakeOpenStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.UUID;
import org.jclouds.ContextBuilder;
import org.jclouds.compute.ComputeServiceContext;
import org.jclouds.compute.domain.ComputeMetadata;
import org.jclouds.compute.domain.NodeMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DIRAC sees pilotd's pilots as its own, on every driver: each pilot starts as its cloud starts
 * it (the local driver's process; a container or a VM through {@link PilotBoot}, jclouds' on its
 * in-memory stub cloud with a GCE-like metadata server), runs the real
 * bootstrap and wrapper, and reaches a stand-in of DIRAC's pilot that takes its reference from its
 * environment by DIRAC's precedence, over the batch-system variables a site may also set. DIRAC's
 * RegisterPilot and Matcher (FakeDirac, transcribed from DIRAC), keyed by that reference, then
 * update the row pilotd mirrored and insert none, whether the pilot registers before the mirror
 * has written its row or after.
 */
class DiracSeesItsPilotsTest {
    private static final String DIRECTOR = "dirac-sees-it";
    private static final String QUEUE = "dq";

    @TempDir
    Path dir;

    @BeforeAll
    static void credentials() {
        Cloud.credentials();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"local", "aws-batch", "ec2", "openstack", "jclouds"})
    void thePilotReportsTheReferencePilotdMirroredAndDiracUpdatesThatRowOnly(String driverName) throws Exception {
        ExternalTool.assumeInstalled("python3");
        FakeClock clock = new FakeClock();
        FakeDirac dirac = FakeDirac.fresh();
        PilotBoot boot = PilotBoot.in(dir);
        boolean own = driverName.equals("local") || driverName.equals("jclouds");
        try (Database db = TestDatabases.fresh(); Cloud cloud = own ? null : Cloud.of(driverName, new CloudBehaviour(clock, 32))) {
            Queues.sync(db, Queues.queue(QUEUE, 10, 10, 10));
            new DemandStore(db.jdbi()).use(DemandSettings.PILOTD, true);
            Queues.demand(db, QUEUE, 2);
            PilotSettings pilot = new PilotSettings("Test-Setup", null, null, null, List.of(), List.of(boot.files().toString()),
                    List.of(), null, null, null);
            PilotEnvironment environment = PilotEnvironment.of(new PilotdConfig(DirectorSettings.defaults(), null,
                    ProxySettings.none(), pilot, Map.of(), List.of()), DIRECTOR, clock);
            try (PilotDriver driver = cloud != null ? cloud.driver(DIRECTOR, QUEUE) : ownDriver(driverName, boot)) {
                assertThat(new QueueCycle(db.jdbi(), environment, DIRECTOR, clock, 10).run(QUEUE, driver).submitted())
                        .isEqualTo(2);
            }
            if (driverName.equals("jclouds")) {
                startJcloudsPilots(boot);
            }
            startPilots(cloud, boot);
            List<JsonNode> reported = boot.reported(2);
            assertThat(reported).hasSize(2);

            // One pilot registers and takes a job before pilotd's mirror has written its row; the other after.
            register(dirac, reported.get(0), 5001);
            try (ClusterDuties duties = new ClusterDuties(db.jdbi(), "director");
                 PilotAgentsMirror mirror = new PilotAgentsMirror(new PilotAgentsOutbox(db.jdbi()), new PilotAgentsWriter(
                    DiracDatabase.open("dirac.pilotAgentsDB", new DiracSettings.Connection(dirac.url(), FakeDirac.USER, null, null),
                            false, Map.of())), new PilotStore(db.jdbi()), duties, clock, Duration.ofHours(12))) {
                mirror.round();
                register(dirac, reported.get(1), 5002);
                mirror.round();
            }

            Map<String, String> statuses = db.jdbi().withHandle(h -> h.createQuery("select stamp, status from pilot")
                    .map((rs, ctx) -> Map.entry(rs.getString("stamp"), rs.getString("status"))).list())
                    .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            List<String> stamps = List.copyOf(statuses.keySet());
            Map<String, String> rows = pilotAgents(dirac);
            assertThat(rows).as("one row per pilot, under the reference each reported").hasSize(2);
            long job = 5001;
            for (JsonNode report : reported) {
                String stamp = report.path("stamp").asText();
                assertThat(stamps).as("the pilot's stamp is one pilotd started").contains(stamp);
                assertThat(report.path("reference").asText()).as("by DIRAC's precedence, over JOB_ID and SLURM_JOBID")
                        .isEqualTo("pilotd://" + stamp);
                // A local pilot may have ended before the cycle that started it followed it: pilotd then
                // knew its end before the mirror ran, and wrote it; otherwise the row keeps DIRAC's Running.
                String status = PilotStatus.valueOf(statuses.get(stamp)).isFinal() ? statuses.get(stamp) : "Running";
                assertThat(rows.get("pilotd://" + stamp)).as("pilotd's fields, DIRAC's Running (or pilotd's end), benchmark and job")
                        .isEqualTo(String.join("|", stamp, "Pilotd", "ce." + QUEUE, "default", "SITE." + QUEUE + ".de",
                                status, "8.5", Long.toString(job), "1"));
                job++;
            }
        }
    }

    /** The stub account of jclouds' in-memory cloud: it keeps its nodes per account for the whole JVM. */
    private final String jcloudsAccount = "dirac-sees-it-" + UUID.randomUUID();

    /** The drivers without a fake cloud of this module's: local pilots, and jclouds' own in-memory stub cloud. */
    private PilotDriver ownDriver(String driverName, PilotBoot boot) throws Exception {
        if (driverName.equals("local")) {
            return new LocalDriverFactory().create(new DriverParameters(Map.of("environment", boot.localEnvironment())),
                    new DriverContext(DIRECTOR, QUEUE, Files.createDirectories(dir.resolve("local"))));
        }
        return new JcloudsDriverFactory().create(new DriverParameters(Map.of("provider", "stub", "identity", jcloudsAccount,
                "image", "1", "hardware", "small")), new DriverContext(DIRECTOR, QUEUE, Path.of("unused")));
    }

    /**
     * jclouds' VMs as a GCE-like cloud starts them: the user-data in their metadata, and the
     * metadata server answering their pilotd-index attribute (with Google's header only).
     */
    private void startJcloudsPilots(PilotBoot boot) throws Exception {
        try (ComputeServiceContext cloud = ContextBuilder.newBuilder("stub").credentials(jcloudsAccount, "")
                .buildView(ComputeServiceContext.class)) {
            for (ComputeMetadata listed : cloud.getComputeService().listNodes()) {
                NodeMetadata node = cloud.getComputeService().getNodeMetadata(listed.getId());
                Map<String, String> metadata = node.getUserMetadata();
                boot.vm(Base64.getEncoder().encodeToString(metadata.get("user-data").getBytes(StandardCharsets.UTF_8)),
                        "*Metadata-Flavor:\\ Google*attributes/pilotd-index*) printf " + metadata.get("pilotd-index") + " ;;");
            }
        }
    }

    /** Each pilot the cloud holds, started as the cloud starts it; a local pilot has started already. */
    private void startPilots(Cloud cloud, PilotBoot boot) throws Exception {
        if (cloud instanceof Cloud.Batch batch) {
            for (FakeBatch.Job job : batch.aws.batch.jobs()) {
                if (job.isPilot()) {
                    boot.container(job);
                }
            }
        } else if (cloud instanceof Cloud.Ec2 ec2) {
            for (FakeEc2.Instance instance : ec2.aws.ec2.instances()) {
                // EC2's metadata service: a token, then the instance's ami-launch-index.
                boot.vm(instance.run.get("UserData"), "*api/token*) echo token ;;\n  *ami-launch-index*) echo "
                        + instance.launchIndex + " ;;");
            }
        } else if (cloud instanceof Cloud.OpenStack openstack) {
            for (FakeOpenStack.Server server : openstack.fake.servers()) {
                // Nova's metadata service: meta_data.json, with the server's metadata and launch index.
                Path metaData = Files.writeString(dir.resolve("meta_data-" + server.id + ".json"), PilotBoot.JSON.writeValueAsString(
                        Map.of("uuid", server.id, "meta", server.metadata, "launch_index", server.launchIndex)));
                boot.vm(server.request.path("user_data").asText(), "*openstack/latest/meta_data.json*) cat " + metaData + " ;;");
            }
        }
    }

    /** DIRAC's pilot registering itself, then the Matcher giving it a job: all by the reference it reported. */
    private static void register(FakeDirac dirac, JsonNode pilot, long jobId) throws Exception {
        String reference = pilot.path("reference").asText();
        dirac.registerPilot(reference, Queues.VO, "DIRAC", pilot.path("stamp").asText(), "Running");
        dirac.matchJob(reference, pilot.path("site").asText(), pilot.path("ce").asText(), 8.5, jobId);
    }

    /** reference -> stamp, grid type, CE, queue, site, status, benchmark, current job, and whether that job is mapped to it. */
    private static Map<String, String> pilotAgents(FakeDirac dirac) throws Exception {
        Map<String, String> rows = new TreeMap<>();
        try (Connection c = dirac.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT PilotJobReference, PilotStamp, GridType, DestinationSite, Queue, GridSite, Status, BenchMark, CurrentJobID,
                       (SELECT COUNT(*) FROM JobToPilotMapping m WHERE m.PilotID = a.PilotID AND m.JobID = a.CurrentJobID)
                FROM PilotAgents a""")) {
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 2; i <= 10; i++) {
                    row.add(rs.getString(i));
                }
                assertThat(rows.put(rs.getString(1), String.join("|", row))).as("one row for %s", rs.getString(1)).isNull();
            }
        }
        return rows;
    }
}
