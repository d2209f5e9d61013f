package io.pilotd.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code pilotd dirac cs}: the queues as DIRAC's CS sections, read back by a CFG reader field by field. */
class DiracCsCommandTest {
    private static final String CONFIG = """
            director: {id: dirac-cs, dataDir: %s}
            endpoint: {address: 127.0.0.1, port: 8443}
            database: {poolSize: 16}
            sites:
              CLOUD.AWS-Frankfurt.de: {}
              LCG.Cern.ch: {}
            queues:
              - name: ec2-c6i
                site: CLOUD.AWS-Frankfurt.de
                ce: ec2.eu-central-1
                queue: c6i
                driver: local
                limits: {maxRunning: 40, maxWaiting: 8}
                matching: {vo: lhcb, platform: x86_64-el9, processors: 8, memoryMB: 16000, maxCpuTime: 172800,
                           tags: [MultiProcessor, GPU], requiredTags: [GPU]}
                parameters: {command: [/bin/true]}
              - name: ec2-small
                site: CLOUD.AWS-Frankfurt.de
                ce: ec2.eu-central-1
                queue: t3
                driver: local
                limits: {maxRunning: 5, maxWaiting: 5}
                parameters: {command: [/bin/true]}
              - name: cern
                site: LCG.Cern.ch
                ce: openstack.cern.ch
                queue: default
                driver: local
                limits: {maxRunning: 3, maxWaiting: 1}
                matching: {vo: lhcb}
                parameters: {command: [/bin/true]}
            """;

    @TempDir
    Path dir;

    private String config(String yaml) throws Exception {
        return Files.writeString(dir.resolve("pilotd.yaml"), yaml.formatted(dir.resolve("data"))).toString();
    }

    @Test
    void everyQueueIsItsSiteCeAndQueueSectionWithCeTypePilotdItsEndpointLimitsAndTags() throws Exception {
        Cli cs = Cli.withConfig(config(CONFIG), "dirac", "cs", "--endpoint", "https://pilotd.example.org:8443",
                "--key-file", "/opt/dirac/etc/pilotd-api.key");
        assertThat(cs.exitCode()).as(cs.err()).isZero();

        Map<String, Object> root = read(cs.out());
        Map<String, Object> ce = section(root, "Resources", "Sites", "CLOUD", "CLOUD.AWS-Frankfurt.de", "CEs", "ec2.eu-central-1");
        assertThat(ce).containsEntry("CEType", "Pilotd").containsEntry("PilotdEndpoint", "https://pilotd.example.org:8443")
                .containsEntry("PilotdAPIKeyFile", "/opt/dirac/etc/pilotd-api.key").doesNotContainKey("PilotdCAFile");
        Map<String, Object> c6i = section(ce, "Queues", "c6i");
        assertThat(c6i).containsExactlyEntriesOf(ordered("PilotdQueue", "ec2-c6i", "MaxTotalJobs", "40", "MaxWaitingJobs", "8",
                "NumberOfProcessors", "8", "MaxRAM", "16000", "CPUTime", "172800", "Platform", "x86_64-el9", "VO", "lhcb",
                "Tag", "MultiProcessor, GPU", "RequiredTag", "GPU"));
        assertThat(section(ce, "Queues", "t3")).containsExactlyEntriesOf(ordered("PilotdQueue", "ec2-small",
                "MaxTotalJobs", "5", "MaxWaitingJobs", "5", "NumberOfProcessors", "1"));
        assertThat(section(root, "Resources", "Sites", "LCG", "LCG.Cern.ch", "CEs", "openstack.cern.ch", "Queues", "default"))
                .containsEntry("PilotdQueue", "cern").containsEntry("VO", "lhcb");
        assertThat(section(root, "Resources", "Sites")).containsOnlyKeys("CLOUD", "LCG");
    }

    @Test
    void whatDiracsCfgCannotHoldOrAnEndpointThatDoesNotServeIsRefusedNamedAndNothingPrinted() throws Exception {
        String bad = CONFIG.replace("endpoint: {address: 127.0.0.1, port: 8443}\n", "")
                .replace("LCG.Cern.ch", "LCG.Cern").replace("tags: [MultiProcessor, GPU]", "tags: [\"Multi,Processor\"]");
        Cli cs = Cli.withConfig(config(bad), "dirac", "cs", "--endpoint", "http://pilotd.example.org", "--key-file", "pilotd.key");

        assertThat(cs.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(cs.out()).isEmpty();
        assertThat(cs.err()).contains("endpoint.port is not set: this director serves no endpoint")
                .contains("--endpoint 'http://pilotd.example.org' is not https://host:port")
                .contains("--key-file 'pilotd.key' is not an absolute path on the DIRAC host")
                .contains("queues[2] (cern).site 'LCG.Cern' is not a DIRAC site name <grid>.<name>.<country>")
                .contains("queues[0] (ec2-c6i).matching.tags[0] 'Multi,Processor' cannot be a value in DIRAC's CFG");
    }

    @Test
    void twoQueuesAtOneDiracQueueAreRefused() throws Exception {
        String twice = CONFIG.replace("queue: t3", "queue: c6i");
        Cli cs = Cli.withConfig(config(twice), "dirac", "cs", "--endpoint", "https://pilotd.example.org:8443",
                "--key-file", "/opt/dirac/etc/pilotd-api.key");
        assertThat(cs.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(cs.err()).contains("the queues ec2-c6i and ec2-small are both CLOUD.AWS-Frankfurt.de / ec2.eu-central-1 / c6i");
    }

    private static Map<String, Object> ordered(String... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(Map<String, Object> from, String... path) {
        Map<String, Object> at = from;
        for (String name : path) {
            assertThat(at).as("a section %s", name).containsKey(name);
            at = (Map<String, Object>) at.get(name);
        }
        return at;
    }

    /**
     * DIRAC's CFG, read as diraccfg's CFG.loadFromBuffer reads it: '#' starts a comment, a line
     * "NAME" then "{" (or "NAME {") opens a section, "}" closes it, "NAME = VALUE" is an option
     * (its value stripped), "NAME += VALUE" appends to it with a comma. Anything else is refused.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> read(String text) {
        Map<String, Object> root = new LinkedHashMap<>();
        Deque<Map<String, Object>> open = new ArrayDeque<>();
        open.push(root);
        String pending = null;
        for (String raw : text.split("\n")) {
            String line = raw.contains("#") ? raw.substring(0, raw.indexOf('#')) : raw;
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.endsWith("{")) {
                String name = line.equals("{") ? pending : line.substring(0, line.length() - 1).strip();
                assertThat(name).as("a section's name before '{'").isNotBlank();
                Map<String, Object> section = new LinkedHashMap<>();
                assertThat(open.peek().put(name, section)).as("section %s once", name).isNull();
                open.push(section);
                pending = null;
            } else if (line.equals("}")) {
                assertThat(open.size()).as("a '}' closes an open section").isGreaterThan(1);
                open.pop();
            } else if (line.contains("+=")) {
                String name = line.substring(0, line.indexOf("+=")).strip();
                String value = line.substring(line.indexOf("+=") + 2).strip();
                open.peek().merge(name, value, (a, b) -> a + ", " + b);
            } else if (line.contains("=")) {
                String name = line.substring(0, line.indexOf('=')).strip();
                assertThat(open.peek().put(name, line.substring(line.indexOf('=') + 1).strip())).as("option %s once", name).isNull();
            } else {
                assertThat(pending).as("a name not followed by '{': %s", line).isNull();
                pending = line;
            }
        }
        assertThat(open).as("every section closed").hasSize(1);
        assertThat(pending).as("no dangling name").isNull();
        return root;
    }
}
