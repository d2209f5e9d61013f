package io.pilotd.director.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL pilotd runs in its data directory when no database is configured.
 *
 * <p>One server per data directory: a process that finds one running (by its
 * {@code postmaster.pid}) connects to it instead of starting a second one on the same files.
 * The last process to leave stops it, so that a CLI command run while the daemon is up neither
 * starts its own server nor stops the daemon's.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private final Path pgData;
    private final int port;
    private final long postmasterPid;
    private final EmbeddedPostgres started;

    private EmbeddedDatabase(Path pgData, int port, long postmasterPid, EmbeddedPostgres started) {
        this.pgData = pgData;
        this.port = port;
        this.postmasterPid = postmasterPid;
        this.started = started;
    }

    /** Connects to the server of this data directory, starting it (and creating it) if none runs. */
    public static EmbeddedDatabase open(Path dataDir) {
        Path pgData = dataDir.resolve("pgdata");
        try {
            Files.createDirectories(dataDir);
            // Serialises the check-then-start of processes (file lock) and of threads (monitor).
            synchronized (EmbeddedDatabase.class) {
                try (FileChannel channel = FileChannel.open(dataDir.resolve("embedded.lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = channel.lock()) {
                    Optional<Postmaster> running = Postmaster.find(pgData);
                    if (running.isPresent()) {
                        log.debug("using the embedded PostgreSQL already running on port {}", running.get().port());
                        return new EmbeddedDatabase(pgData, running.get().port(), running.get().pid(), null);
                    }
                    return start(pgData);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + pgData + ": " + e.getMessage(), e);
        }
    }

    private static EmbeddedDatabase start(Path pgData) throws IOException {
        boolean fresh = !Files.exists(pgData.resolve("PG_VERSION"));
        log.info("{} the embedded PostgreSQL in {}", fresh ? "creating" : "starting", pgData);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                // The builder's default trades durability for speed; pilots must survive a crash.
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setPGStartupWait(Duration.ofMinutes(2))
                .start();
        long pid = Postmaster.find(pgData).map(Postmaster::pid).orElse(-1L);
        return new EmbeddedDatabase(pgData, postgres.getPort(), pid, postgres);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return "postgres";
    }

    public int port() {
        return port;
    }

    /** Stops the server unless another process still uses it. Call after closing every pool on it. */
    @Override
    public void close() {
        int others = otherClients();
        if (others < 0) {
            log.warn("cannot tell whether other processes use the embedded PostgreSQL on port {}: leaving it running", port);
            return;
        }
        if (others > 0) {
            log.info("leaving the embedded PostgreSQL running for {} other client(s)", others);
            return;
        }
        if (started != null) {
            try {
                started.close();
            } catch (IOException e) {
                log.warn("could not stop the embedded PostgreSQL in {}: {}", pgData, e.getMessage());
            }
            return;
        }
        // Started by a process that has left: SIGTERM is PostgreSQL's smart shutdown.
        ProcessHandle.of(postmasterPid).ifPresent(handle -> {
            handle.destroy();
            try {
                handle.onExit().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("the embedded PostgreSQL (pid {}) did not stop within {}s", postmasterPid, STOP_WAIT.toSeconds());
            }
        });
    }

    private int otherClients() {
        try (Connection c = DriverManager.getConnection(jdbcUrl(), user(), "");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from pg_stat_activity"
                     + " where backend_type = 'client backend' and pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    /** A running server, as its {@code postmaster.pid} tells: pid on line 1, port on line 4. */
    record Postmaster(long pid, int port) {
        static Optional<Postmaster> find(Path pgData) throws IOException {
            Path pidFile = pgData.resolve("postmaster.pid");
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.size() < 4) {
                return Optional.empty();
            }
            try {
                long pid = Long.parseLong(lines.get(0).trim());
                int port = Integer.parseInt(lines.get(3).trim());
                // A stale pid file may name a pid the system has since given to another program.
                boolean alive = ProcessHandle.of(pid)
                        .filter(ProcessHandle::isAlive)
                        .flatMap(p -> p.info().command())
                        .map(command -> command.endsWith("postgres"))
                        .orElse(false);
                return alive ? Optional.of(new Postmaster(pid, port)) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }
}
