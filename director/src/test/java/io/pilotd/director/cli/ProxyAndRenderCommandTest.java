package io.pilotd.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pilotd.director.testing.Cli;
import io.pilotd.director.testing.ExternalTool;
import io.pilotd.proxy.TestCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProxyAndRenderCommandTest {
    private static final TestCredentials CREDENTIALS = TestCredentials.create();

    @TempDir
    Path dir;

    private Cli info(TestCredentials.ProxyBuilder proxy, String... more) {
        Path file = proxy.writeTo(dir.resolve("proxy.pem"));
        String[] args = new String[3 + more.length];
        args[0] = "proxy";
        args[1] = "info";
        args[2] = file.toString();
        System.arraycopy(more, 0, args, 3, more.length);
        return Cli.run(args);
    }

    @Test
    void aValidVomsProxyIsShownAndExitsZero() {
        Cli result = info(CREDENTIALS.proxy().voms("lhcb", "/lhcb/Role=pilot/Capability=NULL").validFor(Duration.ofHours(12)));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("identity  : " + TestCredentials.USER_GRID_DN + "\n")
                .contains("type      : RFC 3820 compliant impersonation proxy\n")
                .containsPattern("timeleft  : 11:5\\d:\\d\\d\n")
                .contains("=== VO lhcb extension information ===\n")
                .contains("attribute : /lhcb/Role=pilot/Capability=NULL\n");
        assertThat(result.err()).isEmpty();
    }

    @Test
    void jsonSaysTheSameForScripts() throws Exception {
        Cli result = info(CREDENTIALS.proxy().legacy().voms("dteam", "/dteam"), "--format", "json");

        assertThat(result.exitCode()).isZero();
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(json.at("/valid").asBoolean()).isTrue();
        assertThat(json.at("/type").asText()).isEqualTo("legacy");
        assertThat(json.at("/vo").asText()).isEqualTo("dteam");
        assertThat(json.at("/fqans/0").asText()).isEqualTo("/dteam");
        assertThat(json.at("/identity").asText()).isEqualTo(TestCredentials.USER_GRID_DN);
        assertThat(json.at("/timeLeftSeconds").asLong()).isPositive();
    }

    @Test
    void eachBrokenProxyExitsOneWithItsReason() {
        assertBroken(info(CREDENTIALS.proxy().expiredAgo(Duration.ofHours(1))), "the proxy certificate expired at");
        assertBroken(info(CREDENTIALS.proxy().notValidFor(Duration.ofHours(1))), "the proxy certificate is not valid before");
        assertBroken(info(CREDENTIALS.proxy().wrongKey()), "its private key does not match its certificate");
        assertBroken(info(CREDENTIALS.proxy().brokenChain()), "the proxy certificate is not signed by the next certificate");
        assertBroken(info(CREDENTIALS.proxy().voms("lhcb", "/lhcb").acExpiredAgo(Duration.ofMinutes(1))),
                "its VOMS attributes expired at");
        assertBroken(info(CREDENTIALS.proxy().endEntity()), "it is an end-entity certificate, not a proxy");
        assertThat(info(CREDENTIALS.proxy().endEntity()).out()).contains("type      : end-entity certificate, not a proxy");
    }

    @Test
    void aFileThatIsNoProxyIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("junk.pem"), "junk\n");
        Cli result = Cli.run("proxy", "info", file.toString());
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("pilotd: " + file + ": holds no certificate\n");
    }

    private static void assertBroken(Cli result, String reason) {
        assertThat(result.exitCode()).as(result.out()).isEqualTo(1);
        assertThat(result.err()).contains(reason);
    }

    @Test
    void renderPrintsWhatWouldBeSentWithTheProxyRedacted() throws Exception {
        Path proxy = CREDENTIALS.proxy().voms("lhcb", "/lhcb").writeTo(dir.resolve("proxy.pem"));
        String pem = Files.readString(proxy);
        Path config = Files.writeString(dir.resolve("pilotd.yaml"), """
                director: {id: render-test, dataDir: %s}
                proxy: {file: %s, minLifetime: 1h}
                pilot:
                  setup: LHCb-Production
                  locations: [https://lhcb-portal-dirac.cern.ch/pilot]
                  cvmfs: {repositories: [lhcb.cern.ch]}
                sites:
                  CLOUD.Test.de: {}
                queues:
                  - name: vm
                    site: CLOUD.Test.de
                    ce: cloud.example.org
                    queue: m1.large
                    driver: local
                    limits: {maxRunning: 10, maxWaiting: 5}
                    matching: {vo: lhcb}
                """.formatted(dir.resolve("data"), proxy));

        Cli all = Cli.run("render", "--queue", "vm", "--count", "2", "-c", config.toString());
        Cli userData = Cli.run("render", "--queue", "vm", "--part", "user-data", "-c", config.toString());

        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.out()).contains("## environment\n").contains("PILOTD_PROXY=<redacted>\n").contains("## wrapper\n")
                .contains("## bootstrap\n").contains("## user-data\n#cloud-config\n").contains("'-S' 'LHCb-Production'")
                .doesNotContain("PRIVATE KEY").doesNotContain("BEGIN CERTIFICATE");
        for (String line : pem.lines().filter(l -> l.length() == 64).toList()) {
            assertThat(all.out()).doesNotContain(line);
        }
        assertThat(userData.out()).startsWith("#cloud-config\n").contains("content: <redacted>");
        Cli optionsFirst = Cli.run("-c", config.toString(), "--verbose", "render", "--queue", "vm", "--part", "user-data");
        assertThat(optionsFirst.exitCode()).as("the common options before the command: " + optionsFirst.err()).isZero();
        assertThat(optionsFirst.out()).startsWith("#cloud-config\n");
        Path file = Files.writeString(dir.resolve("user-data"), userData.out());
        ExternalTool.Result schema = ExternalTool.run("cloud-init", "schema", "--config-file", file.toString());
        assertThat(schema.exitCode()).as(schema.output()).isZero();
    }

    @Test
    void renderRefusesAQueueWhoseProxyWouldStopItsPilots() throws Exception {
        Path proxy = CREDENTIALS.proxy().voms("lhcb", "/lhcb").validFor(Duration.ofHours(2)).writeTo(dir.resolve("proxy.pem"));
        Path config = Files.writeString(dir.resolve("pilotd.yaml"), """
                director: {id: render-test, dataDir: %s}
                proxy: {file: %s}
                sites: {SITE.A.de: {}}
                queues:
                  - {name: q, site: SITE.A.de, ce: ce, queue: q, driver: local, limits: {maxRunning: 1, maxWaiting: 1},
                     matching: {vo: lhcb}, parameters: {command: [/bin/true]}}
                """.formatted(dir.resolve("data"), proxy));

        Cli result = Cli.run("render", "--queue", "q", "-c", config.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("q would get no pilots (deciding factor proxy)")
                .contains("less than the 1d its pilots need (minLifetime)");
    }

    @Test
    void aManualSubmissionIsRefusedWithTheProxysReasonForcedOrNot() throws Exception {
        Path proxy = CREDENTIALS.proxy().voms("othervo", "/othervo").writeTo(dir.resolve("proxy.pem"));
        Path config = Files.writeString(dir.resolve("pilotd.yaml"), """
                director: {id: submit-test, dataDir: %s}
                proxy: {file: %s, minLifetime: 1h}
                sites: {SITE.A.de: {}}
                queues:
                  - {name: q, site: SITE.A.de, ce: ce, queue: q, driver: local, limits: {maxRunning: 5, maxWaiting: 5},
                     matching: {vo: lhcb}, parameters: {command: [/bin/true]}}
                """.formatted(dir.resolve("data"), proxy));

        Cli result = Cli.run("submit", "--queue", "q", "--count", "2", "--force", "-c", config.toString());

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("submitting 0 pilot(s) (decided by proxy)")
                .contains("pilotd: submission refused: the proxy " + proxy + " is of VO othervo, not of the queue's VO lhcb");

        Cli queues = Cli.run("queues", "--format", "json", "-c", config.toString());
        assertThat(queues.exitCode()).as(queues.err()).isZero();
        JsonNode q = new ObjectMapper().readTree(queues.out()).get(0);
        assertThat(q.get("proxyLeft").asLong()).as("pilotd queues says how long the queue's proxy has left, in seconds")
                .isBetween(Duration.ofHours(23).toSeconds(), Duration.ofHours(24).toSeconds());
        assertThat(q.has("lag")).isTrue();
    }
}
