package io.pilotd.director.payload;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pilotd.director.config.PilotSettings;
import io.pilotd.director.store.QueueRow;
import io.pilotd.director.testing.ExternalTool;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.PilotPayload;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadTest {
    private static final String BATCH = "0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private static PilotPayload payload() {
        QueueRow queue = new QueueRow("ec2-q", "CLOUD.AWS.de", "ec2.eu-central-1", "c6i", "ec2", "lhcb", 4, 10, 10, 10,
                Duration.ofMinutes(2), Duration.ofHours(1), true, 0, null, null, null, Duration.ofHours(36), 1L, null, 10, Duration.ofHours(1));
        return new PilotEnvironment(new PilotSettings("LHCb-Production", "dips://cs.example.org:9135", "v11.0", "LHCb",
                null), "director-1").payload(queue, BATCH);
    }

    @Test
    void theUserDataCarriesTheEnvironmentAndTheBootstrapIntact() throws Exception {
        PilotPayload payload = payload();

        assertThat(payload.userData()).startsWith("#cloud-config\n");
        JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(payload.userData());
        String env = new String(Base64.getDecoder().decode(yaml.at("/write_files/0/content").asText()), StandardCharsets.UTF_8);
        assertThat(env).contains("PILOTD_BATCH='" + BATCH + "'\n").contains("DIRAC_SITE='CLOUD.AWS.de'\n")
                .contains("DIRAC_SETUP='LHCb-Production'\n").contains("PILOTD_QUEUE='ec2-q'\n");
        assertThat(yaml.at("/write_files/0/permissions").asText()).isEqualTo("0600");
        String bootstrap = new String(Base64.getDecoder().decode(yaml.at("/write_files/1/content").asText()), StandardCharsets.UTF_8);
        assertThat(bootstrap).isEqualTo(payload.bootstrap()).startsWith("#!/bin/sh");
        assertThat(yaml.at("/power_state/mode").asText()).isEqualTo("poweroff");
    }

    @Test
    void theVmPowersItselfOffAtTheQueuesMaxLifetime() throws Exception {
        JsonNode yaml = new ObjectMapper(new YAMLFactory()).readTree(payload().userData());
        assertThat(yaml.at("/bootcmd/0").toString())
                .isEqualTo("[\"shutdown\",\"-P\",\"+2160\",\"pilotd: the pilot reached its max lifetime\"]");
    }

    @Test
    void withoutItsIndexTheBootstrapRunsNoPilotAndFails() throws Exception {
        Path script = dir.resolve("bootstrap.sh");
        Files.writeString(script, payload().bootstrap());
        Path bin = Files.createDirectories(dir.resolve("bin"));
        // The instance metadata service does not answer: curl fails as it does when it cannot connect.
        Path curl = Files.writeString(bin.resolve("curl"), "#!/bin/sh\nexit 7\n");
        curl.toFile().setExecutable(true);
        Path ran = dir.resolve("pilot-ran");
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", script.toString()).redirectErrorStream(true);
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().put("PILOTD_BATCH", BATCH);
        builder.environment().put("PILOTD_PILOT_COMMAND", "touch " + ran);
        builder.environment().remove("DIRAC_PILOT_STAMP");
        builder.environment().remove("AWS_BATCH_JOB_ARRAY_INDEX");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isNotZero();
        assertThat(output).contains("cannot learn this pilot's index");
        assertThat(ran).as("no pilot ran under a guessed stamp").doesNotExist();
    }

    @Test
    void theBootstrapDerivesTheSameStampAsTheDirector() throws Exception {
        Path script = dir.resolve("bootstrap.sh");
        Files.writeString(script, payload().bootstrap());
        ProcessBuilder builder = new ProcessBuilder("/bin/sh", script.toString()).redirectErrorStream(true);
        builder.environment().put("PILOTD_BATCH", BATCH);
        builder.environment().put("PILOTD_STAMP_OFFSET", "10000");
        builder.environment().put("AWS_BATCH_JOB_ARRAY_INDEX", "3");
        builder.environment().put("PILOTD_PILOT_COMMAND", "printenv DIRAC_PILOT_STAMP");
        builder.environment().remove("DIRAC_PILOT_STAMP");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).endsWith(BatchStamps.stamp(BATCH, 10003) + "\n");
    }

    @Test
    void theBootstrapPassesShellcheck() throws Exception {
        Path script = dir.resolve("bootstrap.sh");
        Files.writeString(script, payload().bootstrap());
        ExternalTool.Result result = ExternalTool.run("shellcheck", "--shell=sh", script.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void theUserDataPassesCloudInitsSchema() throws Exception {
        Path userData = dir.resolve("user-data");
        Files.writeString(userData, payload().userData());
        ExternalTool.Result result = ExternalTool.run("cloud-init", "schema", "--config-file", userData.toString());
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("Valid");
    }
}
