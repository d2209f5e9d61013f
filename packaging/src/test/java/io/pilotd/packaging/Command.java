package io.pilotd.packaging;

import io.pilotd.director.testing.ExternalTool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A packaging tool run to its end, with its output; skipped, saying so, where it is not installed. */
final class Command {
    /** Where the build left the packages. */
    static final Path PACKAGES = Path.of(System.getProperty("pilotd.packages", "target"));

    private Command() {
    }

    static ExternalTool.Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ExternalTool.assumeInstalled(command[0]);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in 5 minutes");
        }
        return new ExternalTool.Result(process.exitValue(), output);
    }

    static ExternalTool.Result run(String... command) throws IOException, InterruptedException {
        return run(Map.of(), command);
    }

    /** The one file of {@code dir} whose name matches {@code glob}: the package the build made. */
    static Path built(Path dir, String glob) throws IOException {
        List<Path> found;
        try (Stream<Path> files = Files.list(dir)) {
            found = files.filter(f -> f.getFileSystem().getPathMatcher("glob:" + glob).matches(f.getFileName())).toList();
        }
        if (found.size() != 1) {
            throw new AssertionError("expected one " + glob + " in " + dir + ", found " + found);
        }
        return found.get(0);
    }
}
