package io.pilotd.driver.local;

import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * One local pilot's directory: what it is ({@code pilot.properties}, written before the process
 * starts), its process ({@code process.properties}, pid and start time, written once it runs),
 * its output, its exit code, written by the pilot's wrapper shell when the pilot ends, and a
 * {@code killed} mark when it was killed.
 * Everything needed to follow a pilot is on disk, so pilots outlive the director.
 */
final class PilotDir {
    /** A pilot dir with no process this long after it was made was never started. */
    static final Duration START_TIMEOUT = Duration.ofMinutes(1);

    private final Path dir;

    PilotDir(Path dir) {
        this.dir = dir;
    }

    Path path() {
        return dir;
    }

    String stamp() {
        return dir.getFileName().toString();
    }

    Path output() {
        return dir.resolve("output.log");
    }

    Path exitFile() {
        return dir.resolve("exit");
    }

    void create(String directorId, String queue, String batchId) throws IOException {
        Files.createDirectories(dir);
        Properties p = new Properties();
        p.setProperty("stamp", stamp());
        p.setProperty("director", directorId);
        p.setProperty("queue", queue);
        p.setProperty("batch", batchId);
        p.setProperty("created", Instant.now().toString());
        write("pilot.properties", p);
    }

    void started(ProcessHandle process) throws IOException {
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(process.pid()));
        process.info().startInstant().ifPresent(start -> p.setProperty("start", start.toString()));
        write("process.properties", p);
    }

    /** When the pilot's dir was made: the resource's creation. */
    Instant created() throws IOException {
        return Instant.parse(read("pilot.properties").getProperty("created"));
    }

    String batchId() throws IOException {
        return read("pilot.properties").getProperty("batch");
    }

    String directorId() throws IOException {
        return read("pilot.properties").getProperty("director", "");
    }

    /** The pilot's process, if it still runs (and is still the same process, not a reused pid). */
    Optional<ProcessHandle> process() throws IOException {
        if (!Files.exists(dir.resolve("process.properties"))) {
            return Optional.empty();
        }
        Properties p = read("process.properties");
        long pid = Long.parseLong(p.getProperty("pid"));
        String start = p.getProperty("start");
        return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(h -> start == null || h.info().startInstant().map(i -> i.toString().equals(start)).orElse(true));
    }

    /**
     * Marks the pilot killed, before its process is stopped: whoever reads its state next (this
     * driver, another director's, the CLI's) reads it Deleted, never an exit that looks like its own.
     */
    void killed() throws IOException {
        Files.writeString(dir.resolve("killed"), Instant.now().toString());
    }

    PilotState state(Instant now) throws IOException {
        if (Files.exists(dir.resolve("killed"))) {
            return PilotState.of(PilotStatus.Deleted, "killed");
        }
        if (Files.exists(exitFile())) {
            return exited();
        }
        if (process().isPresent()) {
            return PilotState.of(PilotStatus.Running, "pid " + read("process.properties").getProperty("pid"));
        }
        // It may have written its exit code and ended between the two looks above.
        if (Files.exists(exitFile())) {
            return exited();
        }
        if (Files.exists(dir.resolve("process.properties"))) {
            return PilotState.of(PilotStatus.Failed, "the pilot process ended without an exit code (killed, or the host restarted)");
        }
        Instant created = Instant.parse(read("pilot.properties").getProperty("created"));
        return created.plus(START_TIMEOUT).isBefore(now)
                ? PilotState.of(PilotStatus.Failed, "the pilot process was never started")
                : PilotState.of(PilotStatus.Submitted, "starting");
    }

    /** When anything in it last changed: for a pilot that ended, about when it ended. */
    Instant lastChange() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Instant latest = Files.getLastModifiedTime(dir).toInstant();
            for (Path file : files.toList()) {
                Instant modified = Files.getLastModifiedTime(file).toInstant();
                latest = modified.isAfter(latest) ? modified : latest;
            }
            return latest;
        }
    }

    /** Deletes the directory and all in it. */
    void delete() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(dir);
    }

    private PilotState exited() throws IOException {
        String code = Files.readString(exitFile()).trim();
        return code.equals("0")
                ? PilotState.of(PilotStatus.Done, "exit code 0")
                : PilotState.of(PilotStatus.Failed, "exit code " + code);
    }

    private void write(String name, Properties p) throws IOException {
        Path tmp = dir.resolve(name + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Properties read(String name) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve(name), StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }
}
