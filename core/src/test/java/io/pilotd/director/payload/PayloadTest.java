package io.pilotd.director.payload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pilotd.director.config.CvmfsSettings;
import io.pilotd.director.config.DirectorSettings;
import io.pilotd.director.config.PilotSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.ProxySettings;
import io.pilotd.director.dirac.DiracReference;
import io.pilotd.director.store.QueueRow;
import io.pilotd.director.testing.ExternalTool;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.proxy.TestCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadTest {
    private static final String BATCH = "0123456789abcdef0123456789abcdef";
    private static final String PEM = TestCredentials.create().proxy().voms("lhcb", "/lhcb").pem();
    private static final QueueRow QUEUE = new QueueRow("ec2-q", "CLOUD.AWS.de", "ec2.eu-central-1", "c6i", "ec2", "lhcb", 4,
            10, 10, 10, Duration.ofMinutes(2), Duration.ofHours(1), true, 0, null, null, null, Duration.ofHours(36), 1L, null,
            10, Duration.ofHours(1));

    @TempDir
    Path dir;

    private static PilotSettings settings(String templates, List<String> parts) {
        return new PilotSettings("LHCb-Production", "dips://cs.example.org:9135", "v11.0", "LHCb", List.of("LHCb"),
                List.of("https://lhcb-portal-dirac.cern.ch/pilot", "/cvmfs/lhcb.cern.ch/lhcbdirac/pilot"),
                List.of("-o", "/LocalSite/SharedArea=/cvmfs/lhcb.cern.ch"), templates,
                new CvmfsSettings(List.of("lhcb.cern.ch", "lhcb-condb.cern.ch"), "http://squid.example.org:3128", 20000), parts);
    }

    private static PilotPayload payload(PilotSettings settings) {
        PilotdConfig config = new PilotdConfig(DirectorSettings.defaults(), null, ProxySettings.none(), settings, Map.of(), List.of());
        return PilotEnvironment.of(config, "director-1", Clock.systemUTC()).payload(QUEUE, BATCH, PEM);
    }

    private static PilotPayload payload() {
        return payload(settings(null, null));
    }

    private static String decoded(JsonNode yaml, String path) {
        for (JsonNode file : yaml.at("/write_files")) {
            if (file.at("/path").asText().equals(path)) {
                return new String(Base64.getDecoder().decode(file.at("/content").asText()), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError(path + " is not written");
    }

    private static JsonNode file(JsonNode yaml, String path) {
        for (JsonNode file : yaml.at("/write_files")) {
            if (file.at("/path").asText().equals(path)) {
                return file;
            }
        }
        throw new AssertionError(path + " is not written");
    }

    @Test
    void theUserDataCarriesTheEnvironmentTheWrapperAndTheProxyForThePilotUserOnly() throws Exception {
        PilotPayload payload = payload();

        assertThat(payload.userData()).startsWith("#cloud-config\n");
        JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(payload.userData());
        String env = decoded(yaml, "/etc/pilotd/pilot.env");
        assertThat(env).contains("PILOTD_BATCH='" + BATCH + "'\n").contains("DIRAC_SITE='CLOUD.AWS.de'\n")
                .contains("PILOTD_QUEUE='ec2-q'\n").contains("X509_USER_PROXY=/home/pilot/proxy\n")
                .contains("PILOTD_WRAPPER_FILE=/usr/local/libexec/pilotd-wrapper\n").doesNotContain("PILOTD_PROXY");
        assertThat(file(yaml, "/etc/pilotd/pilot.env").at("/permissions").asText()).isEqualTo("0600");
        assertThat(decoded(yaml, "/usr/local/sbin/pilotd-bootstrap")).isEqualTo(payload.bootstrap()).startsWith("#!/bin/sh");
        assertThat(decoded(yaml, "/usr/local/libexec/pilotd-wrapper")).isEqualTo(payload.wrapper());
        JsonNode proxy = file(yaml, "/home/pilot/proxy");
        assertThat(decoded(yaml, "/home/pilot/proxy")).isEqualTo(PEM);
        assertThat(proxy.at("/permissions").asText()).isEqualTo("0600");
        assertThat(proxy.at("/owner").asText()).isEqualTo("pilot:pilot");
        assertThat(proxy.at("/defer").asBoolean()).as("written once the user exists").isTrue();
        assertThat(yaml.at("/users/1/name").asText()).isEqualTo("pilot");
        assertThat(decoded(yaml, "/etc/cvmfs/default.local")).contains("CVMFS_REPOSITORIES=lhcb.cern.ch,lhcb-condb.cern.ch\n")
                .contains("CVMFS_HTTP_PROXY='http://squid.example.org:3128'\n").contains("CVMFS_QUOTA_LIMIT=20000\n");
        assertThat(yaml.at("/packages/0").asText()).isEqualTo("cvmfs");
        assertThat(yaml.at("/runcmd").toString()).contains("pilotd-pilot-exit-status: $status").contains("/dev/console");
        assertThat(yaml.at("/power_state/mode").asText()).isEqualTo("poweroff");
        assertThat(payload.secrets().get(PilotPayload.PROXY_VARIABLE))
                .isEqualTo(Base64.getEncoder().encodeToString(PEM.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void thePayloadNeverShowsItsSecretsWhenPrinted() {
        PilotPayload payload = payload();
        assertThat(payload.toString()).contains("PILOTD_QUEUE=ec2-q").contains("PILOTD_PROXY")
                .doesNotContain(payload.secrets().get(PilotPayload.PROXY_VARIABLE)).doesNotContain("BEGIN");
    }

    @Test
    void theWrapperRunsTheDiracPilotWithDiracsOptionNames() {
        String wrapper = payload().wrapper();
        assertThat(wrapper).contains("set -- '-S' 'LHCb-Production' '-C' 'dips://cs.example.org:9135' '-l' 'LHCb' '-r' 'v11.0'"
                + " '-e' 'LHCb' '-N' 'ec2.eu-central-1' '-Q' 'c6i' '-n' 'CLOUD.AWS.de' '--wnVO' 'lhcb' '-P' '4'"
                + " --pilotUUID \"$DIRAC_PILOT_STAMP\" '-o' '/LocalSite/SharedArea=/cvmfs/lhcb.cern.ch'");
        assertThat(wrapper).contains("for location in 'https://lhcb-portal-dirac.cern.ch/pilot' '/cvmfs/lhcb.cern.ch/lhcbdirac/pilot' ;");
    }

    @Test
    void withoutVersionAndServerThePilotJsonDecidesAndSiteDirectorsOptionsComeAsItRendersThem() {
        PilotSettings settings = new PilotSettings("LHCb-Production", null, null, "LHCb", List.of(),
                List.of("/cvmfs/lhcb.cern.ch/lhcbdirac/pilot"), List.of("--debug"), null, null, null, null,
                "/cvmfs/lhcb.cern.ch/lhcbdirac", "/cvmfs/ignored", List.of("/LocalSite/LocalCE=Pool", "/Resources/X=1"),
                "/cvmfs/lhcb.cern.ch", "LHCB_ENV:::1", "https://git.example.org/DIRAC.git:::DIRAC:::integration",
                "--index-url https://pypi.example.org/simple");
        String wrapper = payload(settings).wrapper();
        // SiteDirector._getPilotOptions' forms and order; neither -r nor -C, as SiteDirector passes neither.
        assertThat(wrapper).contains("set -- '-S' 'LHCb-Production' '-l' 'LHCb' '-N' 'ec2.eu-central-1' '-Q' 'c6i'"
                + " '-n' 'CLOUD.AWS.de' '--wnVO' 'lhcb' '-P' '4' '--preinstalledEnvPrefix=/cvmfs/lhcb.cern.ch/lhcbdirac'"
                + " '-o' '/LocalSite/LocalCE=Pool' '-o' '/Resources/X=1' '-o' '/LocalSite/SharedArea=/cvmfs/lhcb.cern.ch'"
                + " '--userEnvVariables=LHCB_ENV:::1' '--modules=https://git.example.org/DIRAC.git:::DIRAC:::integration'"
                + " '--pipInstallOptions=--index-url https://pypi.example.org/simple'"
                + " --pilotUUID \"$DIRAC_PILOT_STAMP\" '--debug'");
        assertThat(wrapper).doesNotContain("'-r'").doesNotContain("'-C'").doesNotContain("CVMFS_locations");
    }

    @Test
    void theVmPowersItselfOffAtTheQueuesMaxLifetime() throws Exception {
        JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(payload().userData());
        assertThat(yaml.at("/bootcmd/0").toString())
                .isEqualTo("[\"shutdown\",\"-P\",\"+2160\",\"pilotd: the pilot reached its max lifetime\"]");
    }

    @Test
    void aSitesTemplatesReplaceTheBuiltInOnesOfTheSameName() throws Exception {
        Files.writeString(dir.resolve("pilot-bootstrap.sh"), "#!/bin/sh\necho site bootstrap\n");
        PilotPayload payload = payload(settings(dir.toString(), null));
        assertThat(payload.bootstrap()).isEqualTo("#!/bin/sh\necho site bootstrap\n");
        assertThat(payload.userData()).startsWith("#cloud-config\n");
    }

    @Test
    void aSitesOwnPartsMakeTheUserDataMimeMultipart() throws Exception {
        Path part = Files.writeString(dir.resolve("site.sh"), "#!/bin/sh\necho site part\n");
        PilotPayload payload = payload(settings(null, List.of(part.toString())));

        assertThat(payload.userData()).startsWith("Content-Type: multipart/mixed; boundary=\"pilotd-");
        assertThat(payload.userData()).contains("Content-Type: text/cloud-config; charset=\"utf-8\"\n")
                .contains("Content-Type: text/x-shellscript; charset=\"utf-8\"\n").contains("#!/bin/sh\necho site part\n");
        Path file = Files.writeString(dir.resolve("user-data.mime"), payload.userData());
        ExternalTool.Result parsed = ExternalTool.run("python3", "-c", "import email,sys\n"
                + "m=email.message_from_file(open(sys.argv[1]))\n"
                + "print([p.get_content_type() for p in m.walk()][1:])\n"
                + "print(m.get_payload()[0].get_payload(decode=True).decode().splitlines()[0])", file.toString());
        assertThat(parsed.output()).contains("['text/cloud-config', 'text/x-shellscript']").contains("#cloud-config");
    }

    @Test
    void withoutItsIndexTheBootstrapRunsNoPilotAndFails() throws Exception {
        Path ran = dir.resolve("pilot-ran");
        Path wrapper = Files.writeString(dir.resolve("wrapper.sh"), "#!/bin/sh\ntouch " + ran + "\n");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        // The instance metadata service does not answer: curl fails as it does when it cannot connect.
        Path curl = Files.writeString(bin.resolve("curl"), "#!/bin/sh\nexit 7\n");
        curl.toFile().setExecutable(true);
        Bootstrap run = bootstrap(Map.of("PATH", bin + ":" + System.getenv("PATH"), "PILOTD_WRAPPER_FILE", wrapper.toString()));

        assertThat(run.exitCode()).as(run.output()).isEqualTo(3);
        assertThat(run.output()).contains("cannot learn this pilot's index");
        assertThat(ran).as("no pilot ran under a guessed stamp").doesNotExist();
    }

    @Test
    void theBootstrapDerivesTheSameStampAsTheDirectorWritesTheProxyAndRunsTheWrapper() throws Exception {
        Path wrapper = Files.writeString(dir.resolve("wrapper.sh"), "#!/bin/sh\n"
                + "echo \"stamp=$DIRAC_PILOT_STAMP\"\n"
                + "echo \"reference=$PILOT_UUID\"\n"
                + "echo \"mode=$(stat -c %a \"$X509_USER_PROXY\")\"\n"
                + "echo \"proxy-var=${PILOTD_PROXY:-unset}\"\n"
                + "cmp -s \"$X509_USER_PROXY\" " + Files.writeString(dir.resolve("expected.pem"), PEM) + " && echo same-proxy\n"
                + "exit 5\n");
        Bootstrap run = bootstrap(Map.of("PILOTD_STAMP_OFFSET", "10000", "AWS_BATCH_JOB_ARRAY_INDEX", "3",
                "PILOTD_WRAPPER_FILE", wrapper.toString(), "HOME", dir.toString(),
                PilotPayload.PROXY_VARIABLE, Base64.getEncoder().encodeToString(PEM.getBytes(StandardCharsets.US_ASCII))));

        assertThat(run.output()).contains("stamp=" + BatchStamps.stamp(BATCH, 10003) + "\n")
                .contains("reference=" + DiracReference.of(BatchStamps.stamp(BATCH, 10003)) + "\n").contains("mode=600\n")
                .contains("proxy-var=unset\n").contains("same-proxy\n");
        assertThat(run.exitCode()).as("the wrapper's status").isEqualTo(5);
    }

    /** A pod of a Kubernetes Indexed Job learns its index from JOB_COMPLETION_INDEX, which the Job controller sets. */
    @Test
    void inAKubernetesIndexedJobTheBootstrapTakesItsIndexFromTheCompletionIndex() throws Exception {
        Path wrapper = Files.writeString(dir.resolve("wrapper.sh"), "#!/bin/sh\necho \"stamp=$DIRAC_PILOT_STAMP\"\n");
        Bootstrap run = bootstrap(Map.of("JOB_COMPLETION_INDEX", "7", "PILOTD_WRAPPER_FILE", wrapper.toString(), "HOME", dir.toString(),
                PilotPayload.PROXY_VARIABLE, Base64.getEncoder().encodeToString(PEM.getBytes(StandardCharsets.US_ASCII))));

        assertThat(run.output()).contains("stamp=" + BatchStamps.stamp(BATCH, 7) + "\n");
        assertThat(run.exitCode()).as(run.output()).isZero();
    }

    @Test
    void onOpenStackTheBootstrapTakesItsIndexFromNovasMetadata() throws Exception {
        Path wrapper = Files.writeString(dir.resolve("wrapper.sh"), "#!/bin/sh\necho \"stamp=$DIRAC_PILOT_STAMP\"\n");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path metadata = dir.resolve("meta_data.json");
        // No EC2 metadata; Nova's metadata service answers its meta_data.json, on one line.
        Path curl = Files.writeString(bin.resolve("curl"), "#!/bin/sh\ncase \"$*\" in\n"
                + "  *openstack/latest/meta_data.json*) cat " + metadata + " ;;\n  *) exit 22 ;;\nesac\n");
        curl.toFile().setExecutable(true);
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"), "PILOTD_WRAPPER_FILE", wrapper.toString());

        Files.writeString(metadata, "{\"uuid\": \"d8e02d56\", \"meta\": {\"pilotd-batch\": \"" + BATCH
                + "\"}, \"name\": \"pilotd-d-q-b-5\", \"launch_index\": 4, \"availability_zone\": \"nova\"}");
        assertThat(bootstrap(env).output()).contains("stamp=" + BatchStamps.stamp(BATCH, 4) + "\n");

        Files.writeString(metadata, "{\"meta\": {\"pilotd-index\": \"2\", \"pilotd-batch\": \"" + BATCH
                + "\"}, \"launch_index\": 0}");
        assertThat(bootstrap(env).output()).as("a server created alone").contains("stamp=" + BatchStamps.stamp(BATCH, 2) + "\n");
    }

    @Test
    void onGoogleComputeEngineTheBootstrapTakesItsIndexFromItsInstanceAttribute() throws Exception {
        Path wrapper = Files.writeString(dir.resolve("wrapper.sh"), "#!/bin/sh\necho \"stamp=$DIRAC_PILOT_STAMP\"\n");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        // Only GCE's metadata server answers, and only with its header.
        Path curl = Files.writeString(bin.resolve("curl"), "#!/bin/sh\ncase \"$*\" in\n"
                + "  *Metadata-Flavor:\\ Google*attributes/pilotd-index*) printf 7 ;;\n  *) exit 22 ;;\nesac\n");
        curl.toFile().setExecutable(true);
        Bootstrap run = bootstrap(Map.of("PATH", bin + ":" + System.getenv("PATH"), "PILOTD_WRAPPER_FILE", wrapper.toString()));
        assertThat(run.output()).as(run.output()).contains("stamp=" + BatchStamps.stamp(BATCH, 7) + "\n");
    }

    private record Bootstrap(int exitCode, String output) {
    }

    private Bootstrap bootstrap(Map<String, String> env) throws Exception {
        Path script = Files.writeString(dir.resolve("bootstrap.sh"), payload().bootstrap());
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", script.toString()).redirectErrorStream(true);
        builder.environment().put("PILOTD_BATCH", BATCH);
        // Run as whoever runs the tests: no user is made or switched to.
        builder.environment().put("PILOTD_PILOT_USER", System.getProperty("user.name"));
        builder.environment().put("PILOTD_WORK_DIR", dir.toString());
        builder.environment().remove("DIRAC_PILOT_STAMP");
        builder.environment().remove("AWS_BATCH_JOB_ARRAY_INDEX");
        builder.environment().remove("JOB_COMPLETION_INDEX");
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Bootstrap(process.exitValue(), output);
    }

    @Test
    void theBootstrapAndTheWrapperPassShellcheck() throws Exception {
        PilotPayload payload = payload();
        for (String script : List.of(payload.bootstrap(), payload.wrapper())) {
            Path file = Files.writeString(dir.resolve("script.sh"), script);
            ExternalTool.Result result = ExternalTool.run("shellcheck", "--shell=sh", file.toString());
            assertThat(result.exitCode()).as(result.output()).isZero();
        }
    }

    @Test
    void theUserDataPassesCloudInitsSchema() throws Exception {
        Path userData = Files.writeString(dir.resolve("user-data"), payload().userData());
        ExternalTool.Result result = ExternalTool.run("cloud-init", "schema", "--config-file", userData.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("Valid");
    }
}
