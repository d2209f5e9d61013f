package io.pilotd.director.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** An outside tool (shellcheck, cloud-init, python3): skipped, with a visible message, where it is not installed. */
public final class ExternalTool {
    private ExternalTool() {
    }

    public record Result(int exitCode, String output) {
    }

    /** Skips the test, saying so, where the tool is not installed. */
    public static void assumeInstalled(String tool) {
        boolean installed = Stream.of("/usr/bin", "/usr/sbin", "/usr/local/bin").anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
        if (!installed) {
            System.err.println("SKIPPED: " + tool + " is not installed here (.ci/run installs it)");
        }
        assumeTrue(installed, tool + " is not installed");
    }

    public static Result run(String tool, String... args) throws IOException, InterruptedException {
        assumeInstalled(tool);
        Process process = new ProcessBuilder(concat(tool, args)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(tool + " did not finish in 2 minutes");
        }
        return new Result(process.exitValue(), output);
    }

    private static List<String> concat(String tool, String... args) {
        List<String> command = new ArrayList<>();
        command.add(tool);
        command.addAll(List.of(args));
        return command;
    }
}
