package io.pilotd.driver.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDriverTest {
    private static final String A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1";
    private static final String B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2";
    private static final String C = "ccccccccccccccccccccccccccccccc3";

    @TempDir
    Path workDir;

    private PilotDriver driver(List<String> command) throws InvalidParametersException {
        return new LocalDriverFactory().create(new DriverParameters(Map.of("command", command, "killGrace", "2s")),
                new DriverContext("director-1", "local-q", workDir));
    }

    private static PilotRequest request(String... stamps) {
        return new PilotRequest("batch-1", List.of(stamps), new PilotPayload(Map.of("PILOTD_QUEUE", "local-q"), ""));
    }

    private static PilotState awaitFinal(PilotDriver driver, String jobRef) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            PilotState state = driver.status(List.of(jobRef)).get(jobRef);
            if (state != null && state.status().isFinal()) {
                return state;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(jobRef + " did not end within 30 s");
    }

    @Test
    void eachPilotRunsWithItsStampAndEndsDoneOrFailedByItsExitCode() throws Exception {
        PilotDriver driver = driver(List.of("/bin/sh", "-c",
                "echo \"pilot $DIRAC_PILOT_STAMP of $PILOTD_QUEUE\"; [ \"$DIRAC_PILOT_STAMP\" != " + B + " ] || exit 3"));

        Map<String, String> jobRefs = driver.submit(request(A, B));

        assertThat(jobRefs).containsOnlyKeys(A, B);
        assertThat(jobRefs.get(A)).startsWith("local://").endsWith("/" + A);
        assertThat(awaitFinal(driver, jobRefs.get(A))).isEqualTo(PilotState.of(PilotStatus.Done, "exit code 0"));
        assertThat(awaitFinal(driver, jobRefs.get(B))).isEqualTo(PilotState.of(PilotStatus.Failed, "exit code 3"));
        assertThat(driver.output(jobRefs.get(A))).hasValue("pilot " + A + " of local-q\n");
    }

    @Test
    void trimDeletesTheDirectoriesOfPilotsThatEndedBeforeTheGivenTimeOnly() throws Exception {
        PilotDriver driver = driver(List.of("/bin/sh", "-c", "[ \"$DIRAC_PILOT_STAMP\" != " + C + " ] || exec sleep 60"));
        Map<String, String> jobRefs = driver.submit(request(A, B, C));
        awaitFinal(driver, jobRefs.get(A));
        awaitFinal(driver, jobRefs.get(B));
        // A ended 40 days ago, B just now; C still runs.
        try (var files = Files.walk(workDir.resolve("pilots").resolve(A))) {
            for (Path file : files.toList()) {
                Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofDays(40))));
            }
        }

        assertThat(driver.trim(Instant.now().minus(Duration.ofDays(30)))).isEqualTo(1);

        assertThat(workDir.resolve("pilots").resolve(A)).doesNotExist();
        assertThat(driver.output(jobRefs.get(B))).isPresent();
        assertThat(driver.status(List.of(jobRefs.get(C))).get(jobRefs.get(C)).status()).isEqualTo(PilotStatus.Running);
        assertThat(driver.trim(Instant.now().plus(Duration.ofDays(1)))).as("whatever the age, a live pilot stays").isEqualTo(1);
        assertThat(workDir.resolve("pilots").resolve(C)).exists();
        driver.kill(List.of(jobRefs.get(C)));
    }

    @Test
    void aPilotDoesNotInheritTheDirectorsEnvironment() throws Exception {
        PilotDriver driver = driver(List.of("/bin/sh", "-c", "env"));
        String jobRef = driver.submit(request(A)).get(A);
        awaitFinal(driver, jobRef);
        String env = driver.output(jobRef).orElseThrow();
        assertThat(env).contains("DIRAC_PILOT_STAMP=" + A).contains("PILOTD_QUEUE=local-q").contains("PATH=");
        // set for this test run by the surefire configuration
        assertThat(System.getenv()).containsKey("AWS_SECRET_ACCESS_KEY");
        assertThat(env).doesNotContain("AWS_SECRET_ACCESS_KEY").doesNotContain("director-only-secret");
    }

    @Test
    void pilotsOutliveTheDriverAndAreFoundAgainByANewOne() throws Exception {
        Path release = workDir.resolve("release");
        PilotDriver first = driver(List.of("/bin/sh", "-c", "while [ ! -e " + release + " ]; do sleep 0.05; done"));
        String jobRef = first.submit(request(C)).get(C);
        first.close();

        PilotDriver restarted = driver(List.of("/bin/true"));
        assertThat(restarted.status(List.of(jobRef)).get(jobRef).status()).isEqualTo(PilotStatus.Running);
        List<OwnedPilot> owned = restarted.listOwned("director-1");
        assertThat(owned).singleElement().satisfies(p -> {
            assertThat(p.stamp()).isEqualTo(C);
            assertThat(p.jobRef()).isEqualTo(jobRef);
        });
        assertThat(restarted.listOwned("another-director")).isEmpty();

        Files.createFile(release);
        assertThat(awaitFinal(restarted, jobRef).status()).isEqualTo(PilotStatus.Done);
    }

    @Test
    void aKilledPilotReadsKilledToAnyReaderOfItsPilots() throws Exception {
        PilotDriver driver = driver(List.of("/bin/sh", "-c", "sleep 60 & wait"));
        String jobRef = driver.submit(request(A)).get(A);
        assertThat(driver.status(List.of(jobRef)).get(jobRef).status()).isEqualTo(PilotStatus.Running);

        driver.kill(List.of(jobRef));

        assertThat(awaitFinal(driver, jobRef)).isEqualTo(PilotState.of(PilotStatus.Deleted, "killed"));
        // Another reader of the same pilots (another director's driver, the CLI's) reads the kill, not an exit of its own.
        assertThat(driver(List.of("/bin/true")).status(List.of(jobRef)).get(jobRef))
                .isEqualTo(PilotState.of(PilotStatus.Deleted, "killed"));
    }

    @Test
    void aKillCutShortAfterItsMarkLeavesTheProcessListedUntilAKillEndsIt() throws Exception {
        PilotDriver driver = driver(List.of("/bin/sh", "-c", "trap '' TERM; sleep 60 & wait"));
        String jobRef = driver.submit(request(B)).get(B);
        assertThat(driver.status(List.of(jobRef)).get(jobRef).status()).isEqualTo(PilotStatus.Running);
        // the director died between marking the kill and signalling the process
        new PilotDir(workDir.resolve("pilots").resolve(B)).killed();

        PilotDriver restarted = driver(List.of("/bin/true"));
        assertThat(restarted.status(List.of(jobRef)).get(jobRef).status()).isEqualTo(PilotStatus.Deleted);
        assertThat(restarted.listOwned("director-1")).as("the host still holds its process").singleElement()
                .satisfies(p -> assertThat(p.state().reason()).startsWith("killed; its process").endsWith("still runs"));

        restarted.kill(List.of(jobRef));
        assertThat(restarted.listOwned("director-1")).as("SIGKILL after the grace ended it").isEmpty();
    }

    @Test
    void aJobRefItNeverMadeIsNotInTheAnswer() throws Exception {
        PilotDriver driver = driver(List.of("/bin/true"));
        assertThat(driver.status(List.of("local://host/" + B, "ec2://eu-west-1/i-0abc"))).isEmpty();
    }

    @Test
    void badParametersAreAllNamed() {
        assertThatThrownBy(() -> new LocalDriverFactory().create(
                new DriverParameters(Map.of("comand", List.of("/bin/true"), "killGrace", "soon")),
                new DriverContext("d", "q", workDir)))
                .isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("killGrace: 'soon' is not a duration")
                .hasMessageContaining("comand: is not a parameter of this driver");
    }

    @Test
    void withoutACommandItRunsThePayloadsWrapperAndRefusesAPayloadWithout() throws Exception {
        PilotDriver driver = new LocalDriverFactory().create(new DriverParameters(Map.of()), new DriverContext("d", "q", workDir));
        assertThat(driver.runsPilotWrapper()).isTrue();
        assertThat(driver(List.of("/bin/true")).runsPilotWrapper()).isFalse();
        assertThatThrownBy(() -> driver.submit(request(B))).isInstanceOf(DriverException.class)
                .hasMessageContaining("no command and no DIRAC pilot wrapper to run");
    }

    @Test
    void aPilotThatIsNeverStartedIsReportedFailedAfterAWhile() throws Exception {
        Path dir = workDir.resolve("pilots").resolve(A);
        new PilotDir(dir).create("director-1", "local-q", "batch-1");
        PilotDir pilot = new PilotDir(dir);
        assertThat(pilot.state(Instant.now()).status()).isEqualTo(PilotStatus.Submitted);
        assertThat(pilot.state(Instant.now().plus(PilotDir.START_TIMEOUT).plus(Duration.ofSeconds(1))).status())
                .isEqualTo(PilotStatus.Failed);
    }
}
