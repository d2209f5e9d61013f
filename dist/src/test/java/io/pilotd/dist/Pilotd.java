package io.pilotd.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/** The built distribution's launcher, run as a user would: one command, or the daemon in the background. */
final class Pilotd {
    static final Path HOME = Path.of(System.getProperty("pilotd.home"));
    static final Path SOURCE = Path.of(System.getProperty("pilotd.source"));

    record Run(int exitCode, String out, String err) {
    }

    private Pilotd() {
    }

    private static ProcessBuilder builder(Path dataDir, Path out, Path err, String... args) {
        List<String> command = new ArrayList<>();
        command.add(HOME.resolve("bin/pilotd").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("PILOTD_DATA_DIR", dataDir.toString());
        builder.environment().remove("PILOTD_CONFIG");
        builder.environment().remove("PILOTD_DB_URL");
        // A test that wants the class data sharing archive asks for it (LauncherIT).
        builder.environment().put("PILOTD_CDS", "off");
        return builder;
    }

    /**
     * Whether a driver's own jars (by name prefix) are in lib/drivers/{@code driver}, off the
     * core's class path, and none of them in lib/: the driver has a class loader of its own.
     */
    static boolean inOwnFolder(String driver, String... prefixes) throws IOException {
        Path lib = HOME.resolve("lib");
        for (String prefix : prefixes) {
            if (anyJar(lib, prefix) || !anyJar(lib.resolve("drivers").resolve(driver), prefix)) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyJar(Path dir, String prefix) throws IOException {
        try (Stream<Path> jars = Files.list(dir)) {
            return jars.anyMatch(j -> j.getFileName().toString().startsWith(prefix));
        }
    }

    static Run run(Path dataDir, String... args) throws IOException, InterruptedException {
        return run(dataDir, Map.of(), args);
    }

    static Run run(Path dataDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("pilotd", ".out");
        Path err = Files.createTempFile("pilotd", ".err");
        ProcessBuilder builder = builder(dataDir, out, err, args);
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("pilotd " + String.join(" ", args) + " did not finish in 3 minutes");
        }
        return new Run(process.exitValue(), read(out), read(err));
    }

    /** A {@code pilotd run} in the background; {@link #close()} sends SIGTERM and waits. */
    static final class Daemon implements AutoCloseable {
        final Process process;
        final Path log;

        Daemon(Path dataDir, String... args) throws IOException {
            this(List.of(), dataDir, args);
        }

        /** @param launcher what starts bin/pilotd (such as {@code env --default-signal=HUP}), or nothing */
        Daemon(List<String> launcher, Path dataDir, String... args) throws IOException {
            Path out = Files.createTempFile("pilotd-daemon", ".out");
            log = Files.createTempFile("pilotd-daemon", ".log");
            List<String> all = new ArrayList<>(List.of("run"));
            all.addAll(List.of(args));
            ProcessBuilder builder = builder(dataDir, out, log, all.toArray(String[]::new));
            List<String> command = new ArrayList<>(launcher);
            command.addAll(builder.command());
            process = builder.command(command).start();
            await(Duration.ofMinutes(2), () -> log().contains("started:") || !process.isAlive(), "the daemon to start");
            if (!process.isAlive()) {
                throw new AssertionError("the daemon exited with " + process.exitValue() + ":\n" + log());
            }
        }

        String log() {
            return read(log);
        }

        /** SIGTERM, then the exit code. */
        int stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("the daemon did not stop within 2 minutes of SIGTERM:\n" + log());
            }
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                stop();
            }
        }
    }

    static void await(Duration timeout, BooleanSupplier condition, String what) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A connection to the embedded PostgreSQL of a data dir, found and entered as pilotd does: its port and secret. */
    static Connection database(Path dataDir) throws IOException, SQLException {
        List<String> pid = Files.readAllLines(dataDir.resolve("pgdata/postmaster.pid"));
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pid.get(3).trim() + "/postgres", "postgres",
                Files.readString(dataDir.resolve("db.secret")).strip());
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
