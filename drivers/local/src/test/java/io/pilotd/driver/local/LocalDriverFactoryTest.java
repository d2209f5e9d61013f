package io.pilotd.driver.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local queue's command that is not there is said, for it may come later (a CVMFS mount). */
class LocalDriverFactoryTest {
    @TempDir
    Path dir;

    private List<InvalidParametersException.Problem> warnings(Object command) {
        return new LocalDriverFactory(Map.of("PATH", dir + ":/nonexistent-bin")).warnings(new DriverParameters(Map.of("command", command)));
    }

    @Test
    void anAbsolutePathThatDoesNotExist() {
        assertThat(warnings(List.of("/cvmfs/not-mounted/run-pilot"))).singleElement().satisfies(problem -> {
            assertThat(problem.parameter()).isEqualTo("command");
            assertThat(problem.message()).isEqualTo("'/cvmfs/not-mounted/run-pilot' does not exist on this host:"
                    + " its pilots would fail to start until it is");
        });
    }

    @Test
    void aFileThatIsNotExecutable() throws Exception {
        Path script = Files.writeString(dir.resolve("run-pilot"), "#!/bin/sh\n");
        assertThat(warnings(List.of(script.toString()))).singleElement()
                .satisfies(problem -> assertThat(problem.message()).startsWith("'" + script + "' is not executable"));
    }

    @Test
    void aBareNameOnNoDirectoryOfThePath() throws Exception {
        assertThat(warnings(List.of("run-pilot"))).singleElement()
                .satisfies(problem -> assertThat(problem.message()).startsWith("'run-pilot' is on no directory of the PATH (" + dir));

        Files.setPosixFilePermissions(Files.writeString(dir.resolve("run-pilot"), "#!/bin/sh\n"),
                PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(warnings(List.of("run-pilot"))).as("once it is there").isEmpty();
    }

    @Test
    void nothingToSayOfAProgramThatIsThere_aRelativePath_orNoCommand() {
        assertThat(warnings(List.of("/bin/sh", "-c", "true"))).isEmpty();
        assertThat(warnings(List.of("./run-pilot"))).as("relative to a working directory the check does not know").isEmpty();
        assertThat(new LocalDriverFactory(Map.of()).warnings(new DriverParameters(Map.of()))).as("the pilot wrapper").isEmpty();
    }
}
