package io.pilotd.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pilotd.director.testing.PilotFiles;
import io.pilotd.fakes.FakeBatch;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Pilots started here as their clouds start them (an AWS Batch container: its job definition's
 * command with the environment Batch gives it; a VM: cloud-init writes its files and runs its
 * command, curl answering as its metadata service), through the real bootstrap and wrapper, to
 * pilot files ({@link #files()}) whose dirac-pilot.py stands in for DIRAC's: it takes its pilot
 * reference from its environment by DIRAC's precedence, and records what it would report.
 */
final class PilotBoot {
    static final ObjectMapper JSON = new ObjectMapper();
    /** What a site's image or batch system may have set beside: DIRAC's generic JOB_ID and SLURM's. */
    static final Map<String, String> BATCH_SYSTEM = Map.of("JOB_ID", "4242", "SLURM_JOBID", "77");
    /**
     * DIRAC's pilot, as far as its reference goes: Pilot/pilotTools.py getSubmitterInfo (DIRACGrid/Pilot;
     * pilotCommands.py ConfigureSite.__setFlavour before it) starts from DIRAC_PILOT_STAMP, lets each
     * batch system's variable override it in this order, and PILOT_UUID ("Pilot reference is given
     * explicitly in environment") override them all. It records what it would report, and ends.
     */
    private static final String DIRAC_PILOT = """
            import json, os, sys
            def option(name):
                return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else ""
            ce, env = option("-N"), os.environ
            ref = env.get("DIRAC_PILOT_STAMP", "")
            if "PBS_JOBID" in env: ref = "sshpbs://" + ce + "/" + env["PBS_JOBID"].split(".")[0]
            if "OAR_JOBID" in env: ref = "sshoar://" + ce + "/" + env["OAR_JOBID"]
            if "JOB_ID" in env and "SGE_TASK_ID" in env: ref = "sshge://" + ce + "/" + env["JOB_ID"]
            elif "JOB_ID" in env: ref = "generic://" + ce + "/" + env["JOB_ID"]
            if "LSB_BATCH_JID" in env: ref = "sshlsf://" + ce + "/" + env["LSB_BATCH_JID"]
            if "SLURM_JOBID" in env: ref = "sshslurm://" + ce + "/" + env["SLURM_JOBID"]
            if "CONDOR_JOBID" in env: ref = "sshcondor://" + ce + "/" + env["CONDOR_JOBID"]
            if "HTCONDOR_JOBID" in env: ref = "htcondorce://" + ce + "/" + env["HTCONDOR_JOBID"]
            if "CREAM_JOBID" in env: ref = env["CREAM_JOBID"]
            if "GLOBUS_GRAM_JOB_CONTACT" in env: ref = env["GLOBUS_GRAM_JOB_CONTACT"]
            if "SSHCE_JOBID" in env: ref = "ssh://" + ce + "/" + env["SSHCE_JOBID"]
            if "SSHBATCH_JOBID" in env and "SSH_NODE_HOST" in env:
                ref = "sshbatchhost://" + ce + "/" + env["SSH_NODE_HOST"] + "/" + env["SSHBATCH_JOBID"]
            if "GRID_GLOBAL_JOBID" in env: ref = env["GRID_GLOBAL_JOBID"]
            if "GRID_GLOBAL_JOBURL" in env: ref = env["GRID_GLOBAL_JOBURL"]
            if "VMDIRAC_VERSION" in env: ref = "vm://" + ce + "/" + env["JOB_ID"]
            if "PILOT_UUID" in env: ref = env["PILOT_UUID"]
            stamp = option("--pilotUUID")
            record = os.path.join(env["RECORD_DIR"], stamp + ".json")
            with open(record + ".part", "w") as f:
                json.dump({"reference": ref, "stamp": stamp, "ce": ce, "queue": option("-Q"), "site": option("-n")}, f)
            os.rename(record + ".part", record)
            """;

    private final Path dir;
    private final Path files;
    private final Path records;
    private int booted;

    private PilotBoot(Path dir, Path files, Path records) {
        this.dir = dir;
        this.files = files;
        this.records = records;
    }

    /** Pilot files and a record of what the pilots reported, in {@code dir}. */
    static PilotBoot in(Path dir) throws Exception {
        return new PilotBoot(dir, PilotFiles.write(dir, Map.of("dirac-pilot.py", DIRAC_PILOT)),
                Files.createDirectories(dir.resolve("records")));
    }

    /** Where the wrapper finds the pilot files: the queue's pilot.locations. */
    Path files() {
        return files;
    }

    /** The environment a local pilot gets beside its driver's: what the local driver's {@code environment} adds. */
    Map<String, Object> localEnvironment() {
        Map<String, Object> environment = new LinkedHashMap<>(BATCH_SYSTEM);
        environment.put("RECORD_DIR", records.toString());
        return environment;
    }

    /** An AWS Batch container: its job definition's command, with the environment Batch gives it. */
    void container(FakeBatch.Job job) throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        job.submit.path("containerOverrides").path("environment")
                .forEach(pair -> env.put(pair.path("name").asText(), pair.path("value").asText()));
        env.put("AWS_BATCH_JOB_ID", job.id);
        env.put("AWS_BATCH_JQ_NAME", job.submit.path("jobQueue").asText());
        if (job.index != null) {
            env.put("AWS_BATCH_JOB_ARRAY_INDEX", Integer.toString(job.index));
        }
        run(List.of("sh", "-c", "echo \"$PILOTD_BOOTSTRAP\" | base64 -d | gunzip | sh"), env, pilotDir());
    }

    /**
     * A VM of this user-data (base64, gzipped or not): cloud-init writes its files under a root of
     * its own and runs its command; curl answers as the metadata service by {@code metadata}, the
     * branches of a shell case over curl's arguments.
     */
    void vm(String userDataBase64, String metadata) throws Exception {
        Path pilotDir = pilotDir();
        byte[] bytes = Base64.getDecoder().decode(userDataBase64);
        if (bytes.length > 2 && bytes[0] == (byte) 0x1f && bytes[1] == (byte) 0x8b) {
            try (GZIPInputStream gunzip = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                bytes = gunzip.readAllBytes();
            }
        }
        JsonNode cloudConfig = new ObjectMapper(new YAMLFactory()).readTree(bytes);
        String runcmd = cloudConfig.path("runcmd").get(0).get(2).asText();
        String wrapper = null;
        for (JsonNode file : cloudConfig.path("write_files")) {
            String path = file.path("path").asText();
            Path at = pilotDir.resolve("root" + path);
            Files.createDirectories(at.getParent());
            Files.write(at, Base64.getDecoder().decode(file.path("content").asText()));
            if (file.path("permissions").asText().equals("0755")) {
                assertThat(at.toFile().setExecutable(true)).isTrue();
            }
            runcmd = runcmd.replace(path, at.toString());
            if (path.endsWith("/pilotd-wrapper")) {
                wrapper = at.toString();
            }
        }
        assertThat(wrapper).as("the user-data writes the wrapper").isNotNull();
        // The environment file names the wrapper where the VM has it: here, under this pilot's root.
        runcmd = runcmd.replace("set +a;", "set +a; PILOTD_WRAPPER_FILE='" + wrapper + "';")
                .replace("/var/log/", pilotDir + "/").replace("/dev/console", pilotDir.resolve("console").toString());
        Path bin = Files.createDirectories(pilotDir.resolve("bin"));
        Path curl = Files.writeString(bin.resolve("curl"), "#!/bin/sh\ncase \"$*\" in\n  " + metadata + "\n  *) exit 22 ;;\nesac\n");
        assertThat(curl.toFile().setExecutable(true)).isTrue();
        run(List.of("sh", "-c", runcmd), Map.of("PATH", bin + ":" + System.getenv("PATH")), pilotDir);
        assertThat(Files.readString(pilotDir.resolve("console"))).as(Files.readString(pilotDir.resolve("pilotd-pilot.log")))
                .contains("pilotd-pilot-exit-status: 0");
    }

    private Path pilotDir() throws Exception {
        return Files.createDirectories(dir.resolve("pilot-" + booted++));
    }

    private void run(List<String> command, Map<String, String> env, Path pilotDir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(pilotDir.toFile()).redirectErrorStream(true);
        builder.environment().keySet().retainAll(List.of("PATH", "HOME", "LANG"));
        builder.environment().putAll(BATCH_SYSTEM);
        builder.environment().putAll(env);
        builder.environment().put("RECORD_DIR", records.toString());
        // Run as whoever runs the tests: no user is made or switched to.
        builder.environment().put("PILOTD_PILOT_USER", System.getProperty("user.name"));
        builder.environment().put("PILOTD_WORK_DIR", pilotDir.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    /** What {@code count} pilots reported to DIRAC, by stamp; waits for them (a local pilot runs on its own). */
    List<JsonNode> reported(int count) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (true) {
            try (Stream<Path> listing = Files.list(records)) {
                List<Path> done = listing.filter(p -> p.toString().endsWith(".json")).sorted().toList();
                if (done.size() >= count) {
                    List<JsonNode> reported = new ArrayList<>();
                    for (Path record : done) {
                        reported.add(JSON.readTree(record.toFile()));
                    }
                    return reported;
                }
            }
            assertThat(Instant.now()).as("the pilots to report to DIRAC").isBefore(deadline);
            Thread.sleep(100);
        }
    }
}
