package io.pilotd.driver.local;

import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.RetryableDriverException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs each pilot as a process on this host, in a session of its own so that it outlives the
 * director (a restart, or Ctrl-C on {@code pilotd run}). Its state lives in the pilot's
 * {@link PilotDir}, so a restarted director finds every pilot again.
 *
 * <p>jobRef: {@code local://<host>/<stamp>}.
 */
final class LocalDriver implements PilotDriver {
    /** Runs the pilot, then records its exit code where the director can read it. */
    private static final String WRAPPER = """
            "$@"
            code=$?
            printf '%s\\n' "$code" > "$PILOTD_PILOT_DIR/exit.tmp" && mv "$PILOTD_PILOT_DIR/exit.tmp" "$PILOTD_PILOT_DIR/exit"
            exit "$code"
            """;
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final Set<String> INHERITED = Set.of("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR");
    private static final int OUTPUT_TAIL_BYTES = 256 * 1024;

    private final LocalConfig config;
    private final DriverContext context;
    private final Path pilots;
    private final String host;

    LocalDriver(LocalConfig config, DriverContext context) {
        this.config = config;
        this.context = context;
        this.pilots = context.workDir().resolve("pilots");
        this.host = hostName();
    }

    @Override
    public boolean runsPilotWrapper() {
        return config.command().isEmpty();
    }

    @Override
    public Map<String, String> submit(PilotRequest request) throws DriverException {
        if (config.command().isEmpty() && request.payload().wrapper().isEmpty()) {
            throw new DriverException("no command and no DIRAC pilot wrapper to run: set the queue's parameters.command,"
                    + " or pilot.locations");
        }
        Map<String, String> jobRefs = new LinkedHashMap<>();
        for (String stamp : request.stamps()) {
            PilotDir dir = new PilotDir(pilots.resolve(stamp));
            try {
                dir.create(context.directorId(), context.queue(), request.batchId());
                Process process = start(dir, stamp, request.payload());
                dir.started(process.toHandle());
                jobRefs.put(stamp, jobRef(stamp));
            } catch (IOException e) {
                if (jobRefs.isEmpty()) {
                    throw new DriverException("cannot start a local pilot: " + e.getMessage(), e);
                }
                break;
            }
        }
        return jobRefs;
    }

    private Process start(PilotDir dir, String stamp, PilotPayload payload) throws IOException {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(SETSID)) {
            command.add(SETSID.toString());
        }
        command.addAll(List.of("/bin/sh", "-c", WRAPPER, "pilot"));
        if (config.command().isEmpty()) {
            // The DIRAC pilot wrapper, as every other driver's pilots run it.
            Path wrapper = dir.path().resolve("pilot-wrapper.sh");
            Files.writeString(wrapper, payload.wrapper());
            command.addAll(List.of("/bin/sh", wrapper.toString()));
        } else {
            command.addAll(config.command());
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.path().toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.output().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        // A pilot gets a clean environment, never the director's (which may hold credentials).
        Map<String, String> env = builder.environment();
        env.keySet().retainAll(INHERITED);
        env.putAll(config.environment());
        env.putAll(payload.fullEnvironment());
        env.put(PilotPayload.STAMP_VARIABLE, stamp);
        env.put("PILOTD_WORK_DIR", dir.path().toString());
        env.put("PILOTD_PILOT_DIR", dir.path().toString());
        return builder.start();
    }

    /** The pilot dirs of the batch's stamps: written before the process starts, so the answer is definite. */
    @Override
    public BatchLookup lookUp(PilotRequest request, String directorId) throws DriverException {
        Map<String, String> found = new LinkedHashMap<>();
        for (String stamp : request.stamps()) {
            Path path = pilots.resolve(stamp);
            try {
                if (Files.exists(path.resolve("pilot.properties")) && request.batchId().equals(new PilotDir(path).batchId())) {
                    found.put(stamp, jobRef(stamp));
                }
            } catch (IOException e) {
                throw new DriverException("cannot read local pilot " + stamp + ": " + e.getMessage(), e);
            }
        }
        return new BatchLookup(found, true);
    }

    @Override
    public Map<String, PilotState> status(List<String> jobRefs) throws DriverException {
        Map<String, PilotState> states = new LinkedHashMap<>();
        Instant now = Instant.now();
        for (String jobRef : jobRefs) {
            Optional<PilotDir> dir = dir(jobRef);
            if (dir.isPresent()) {
                try {
                    states.put(jobRef, dir.get().state(now));
                } catch (IOException e) {
                    throw new DriverException("cannot read local pilot " + jobRef + ": " + e.getMessage(), e);
                }
            }
        }
        return states;
    }

    @Override
    public void kill(List<String> jobRefs) throws DriverException {
        List<ProcessHandle> killed = new ArrayList<>();
        for (String jobRef : jobRefs) {
            Optional<PilotDir> dir = dir(jobRef);
            if (dir.isEmpty()) {
                continue;
            }
            try {
                Optional<ProcessHandle> process = dir.get().process();
                if (process.isPresent()) {
                    dir.get().killed();
                    // The wrapper shell first: were the pilot to die first, the wrapper would record
                    // its exit code as if it had ended by itself.
                    List<ProcessHandle> children = process.get().descendants().toList();
                    process.get().destroy();
                    children.forEach(ProcessHandle::destroy);
                    killed.add(process.get());
                }
            } catch (IOException e) {
                throw new DriverException("cannot read local pilot " + jobRef + ": " + e.getMessage(), e);
            }
        }
        List<Long> survivors = new ArrayList<>();
        for (ProcessHandle process : killed) {
            if (!ended(process)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                if (!ended(process)) {
                    survivors.add(process.pid());
                }
            }
        }
        if (!survivors.isEmpty()) {
            // marked killed, but running: the orphan sweep lists them (listOwned) and kills them again
            throw new RetryableDriverException("local pilot process(es) " + survivors + " still run after SIGKILL");
        }
    }

    /** Whether the process ended within the kill grace. */
    private boolean ended(ProcessHandle process) {
        try {
            process.onExit().get(config.killGrace().toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (ExecutionException | TimeoutException e) {
            return !process.isAlive();
        }
    }

    @Override
    public Optional<String> output(String jobRef) throws DriverException {
        Optional<PilotDir> dir = dir(jobRef);
        if (dir.isEmpty() || !Files.exists(dir.get().output())) {
            return Optional.empty();
        }
        try (RandomAccessFile file = new RandomAccessFile(dir.get().output().toFile(), "r")) {
            long start = Math.max(0, file.length() - OUTPUT_TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            return Optional.of(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DriverException("cannot read the output of " + jobRef + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<OwnedPilot> listOwned(String directorId) throws DriverException {
        List<OwnedPilot> owned = new ArrayList<>();
        if (!Files.isDirectory(pilots)) {
            return owned;
        }
        Instant now = Instant.now();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(pilots, Files::isDirectory)) {
            for (Path path : dirs) {
                PilotDir dir = new PilotDir(path);
                if (Files.exists(path.resolve("pilot.properties")) && dir.directorId().equals(directorId)) {
                    PilotState state = dir.state(now);
                    // what the host holds: a process that still runs, even behind a kill mark or an exit code
                    Optional<ProcessHandle> process = dir.process();
                    if (state.status().isFinal() && process.isPresent()) {
                        state = PilotState.of(state.status(), state.reason() + "; its process " + process.get().pid()
                                + " still runs");
                    }
                    if (!state.status().isFinal() || process.isPresent()) {
                        owned.add(new OwnedPilot(dir.stamp(), jobRef(dir.stamp()), state, dir.created()));
                    }
                }
            }
        } catch (IOException e) {
            throw new DriverException("cannot list local pilots in " + pilots + ": " + e.getMessage(), e);
        }
        return owned;
    }

    /** Deletes the directories (state and output) of pilots that ended before {@code endedBefore}. */
    @Override
    public int trim(Instant endedBefore) throws DriverException {
        if (!Files.isDirectory(pilots)) {
            return 0;
        }
        int deleted = 0;
        Instant now = Instant.now();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(pilots, Files::isDirectory)) {
            for (Path path : dirs) {
                PilotDir dir = new PilotDir(path);
                if (Files.exists(path.resolve("pilot.properties")) && dir.state(now).status().isFinal()
                        && dir.lastChange().isBefore(endedBefore)) {
                    dir.delete();
                    deleted++;
                }
            }
        } catch (IOException e) {
            throw new DriverException("cannot trim the local pilots in " + pilots + ": " + e.getMessage(), e);
        }
        return deleted;
    }

    /** Its state is on local disk, written before submit returns: nothing lags. */
    @Override
    public Duration consistencyWindow() {
        return Duration.ZERO;
    }

    private String jobRef(String stamp) {
        return "local://" + host + "/" + stamp;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * The pilot dir of a jobRef; empty for one this driver never made. Found by the stamp alone:
     * the host part only informs a reader, and must not lose a pilot if the host is renamed.
     */
    private Optional<PilotDir> dir(String jobRef) {
        if (!jobRef.startsWith("local://")) {
            return Optional.empty();
        }
        String stamp = jobRef.substring(jobRef.lastIndexOf('/') + 1);
        if (!stamp.matches("[0-9a-f]{32}")) {
            return Optional.empty();
        }
        Path path = pilots.resolve(stamp);
        return Files.isDirectory(path) ? Optional.of(new PilotDir(path)) : Optional.empty();
    }
}
