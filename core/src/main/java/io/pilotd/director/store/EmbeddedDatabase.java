package io.pilotd.director.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
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
 *
 * <p>Private and durable: the library's server trusts every local user and runs without fsync;
 * this one requires a password (a secret generated at creation, kept 0600 in the data
 * directory, readable only by pilotd's own user) on every connection, socket and TCP alike,
 * and runs with {@code fsync} and {@code synchronous_commit} on, so that a power cut loses no
 * pilot the cloud has started.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    private static final String SECRET_FILE = "db.secret";
    private static final String PG_HBA = """
            # Written by pilotd: every connection needs the password in ../db.secret.
            local   all  all                 scram-sha-256
            host    all  all  127.0.0.1/32   scram-sha-256
            host    all  all  ::1/128        scram-sha-256
            """;

    private final Path dataDir;
    private final Path pgData;
    private final String password;
    private final int port;
    private volatile long postmasterPid;
    private volatile EmbeddedPostgres started;

    private EmbeddedDatabase(Path pgData, String password, int port, long postmasterPid, EmbeddedPostgres started) {
        this.dataDir = pgData.getParent();
        this.pgData = pgData;
        this.password = password;
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
                    String password = secret(dataDir.resolve(SECRET_FILE));
                    Optional<Postmaster> running = Postmaster.find(pgData);
                    if (running.isPresent()) {
                        log.debug("using the embedded PostgreSQL already running on port {}", running.get().port());
                        return new EmbeddedDatabase(pgData, password, running.get().port(), running.get().pid(), null);
                    }
                    return start(pgData, dataDir.resolve(SECRET_FILE), password, 0);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + pgData + ": " + e.getMessage(), e);
        }
    }

    /** The server's password: read from its 0600 file, made (128 random bits) when there is none. */
    private static String secret(Path file) throws IOException {
        if (Files.exists(file)) {
            if (!Files.getPosixFilePermissions(file).equals(PosixFilePermissions.fromString("rw-------"))) {
                throw new IOException(file + " must be readable by its owner only (chmod 600 " + file + ")");
            }
            return Files.readString(file).strip();
        }
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        String secret = HexFormat.of().formatHex(bytes);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, secret + "\n");
        return secret;
    }

    /** @param port 0 for any free one */
    private static EmbeddedDatabase start(Path pgData, Path secretFile, String password, int port) throws IOException {
        boolean fresh = !Files.exists(pgData.resolve("PG_VERSION"));
        log.info("{} the embedded PostgreSQL in {}", fresh ? "creating" : "starting", pgData);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(pgData)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                // The library trades durability for speed (it passes -F); pilots must survive a crash.
                .setServerConfig("fsync", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("password_encryption", "scram-sha-256")
                // Passed to initdb after the library's own "-A trust", so these win: a new cluster
                // is private from its first second.
                .setLocaleConfig("auth", "scram-sha-256")
                .setLocaleConfig("pwfile", secretFile.toString())
                // The library connects to check the server is up: it needs the password too.
                .setConnectConfig("password", password)
                .setPGStartupWait(Duration.ofMinutes(2))
                .start();
        long pid = Postmaster.find(pgData).map(Postmaster::pid).orElse(-1L);
        EmbeddedDatabase database = new EmbeddedDatabase(pgData, password, postgres.getPort(), pid, postgres);
        database.makePrivate();
        return database;
    }

    /**
     * Requires the password of every connection, whatever the cluster was made with (an older
     * pilotd made it trusting every local user): the superuser's password set, pg_hba.conf
     * rewritten, the server's configuration reloaded.
     */
    private void makePrivate() throws IOException {
        Path hba = pgData.resolve("pg_hba.conf");
        if (Files.readString(hba).equals(PG_HBA)) {
            return;
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl(), user(), password); Statement s = c.createStatement()) {
            s.execute("set password_encryption = 'scram-sha-256'");
            s.execute("alter user postgres password '" + password + "'");
            Files.writeString(hba, PG_HBA);
            s.execute("select pg_reload_conf()");
        } catch (SQLException e) {
            throw new IOException("cannot require a password on the embedded PostgreSQL in " + pgData + ": " + e.getMessage(), e);
        }
        log.info("the embedded PostgreSQL in {} now requires its password ({})", pgData, SECRET_FILE);
    }

    /**
     * Supervision, by the daemon: starts the server again, on the same port so that the pools
     * on it reconnect by themselves, when it has died (the OOM killer, a stray kill). Serialised
     * with other processes' starts by the data directory's lock.
     *
     * @return true when it had to be started again
     */
    public boolean restartIfDead() throws IOException {
        synchronized (EmbeddedDatabase.class) {
            try (FileChannel channel = FileChannel.open(dataDir.resolve("embedded.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                Optional<Postmaster> running = Postmaster.find(pgData);
                if (running.isPresent()) {
                    postmasterPid = running.get().pid();
                    return false;
                }
                if (started != null) {
                    // Releases the library's own lock on the data directory; the server is gone already.
                    started.close();
                }
                EmbeddedDatabase again = start(pgData, dataDir.resolve(SECRET_FILE), password, port);
                started = again.started;
                postmasterPid = again.postmasterPid;
                return true;
            }
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return "postgres";
    }

    public String password() {
        return password;
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
        try (Connection c = DriverManager.getConnection(jdbcUrl(), user(), password);
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
