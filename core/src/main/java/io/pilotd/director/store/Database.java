package io.pilotd.director.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import com.zaxxer.hikari.pool.HikariPool;
import io.pilotd.director.config.DatabaseSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.jdbi.v3.core.Jdbi;

/**
 * pilotd's PostgreSQL: a HikariCP pool, the Flyway migrations of {@code schema/}, and Jdbi over
 * both. External when a URL is configured (config, then {@code PILOTD_DB_URL}); otherwise the
 * embedded server of the data directory.
 */
public final class Database implements AutoCloseable {
    /**
     * The longest a connection attempt may take, login included: long enough for a busy host
     * (the demo's pilots, JVMs started beside the daemon, failed at 3 s under load), short enough
     * that a command against an address that never answers says so soon.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final HikariDataSource pool;
    private final EmbeddedDatabase embedded;
    private final Jdbi jdbi;
    private final String description;

    private Database(HikariDataSource pool, EmbeddedDatabase embedded, String description) {
        this.pool = pool;
        this.embedded = embedded;
        this.description = description;
        this.jdbi = Jdbi.create(pool);
        jdbi.registerArrayType(String.class, "text");
        jdbi.registerArrayType(Long.class, "bigint");
    }

    public static Database open(DatabaseSettings settings, Path dataDir, Map<String, String> env) {
        String url = settings.url() != null ? settings.url() : env.get("PILOTD_DB_URL");
        if (url == null || url.isBlank()) {
            EmbeddedDatabase embedded = EmbeddedDatabase.open(dataDir);
            try {
                HikariDataSource pool = pool(embedded.jdbcUrl(), embedded.user(), embedded.password(), settings.poolSize());
                return new Database(pool, embedded, "embedded PostgreSQL in " + dataDir.resolve("pgdata")
                        + " (port " + embedded.port() + ")");
            } catch (RuntimeException e) {
                embedded.close();
                throw e;
            }
        }
        String user = settings.user() != null ? settings.user() : env.getOrDefault("PILOTD_DB_USER", "pilotd");
        String description = withoutSecrets(url) + " as " + user;
        try {
            return new Database(pool(url, user, password(settings, env), settings.poolSize()), null, description);
        } catch (HikariPool.PoolInitializationException e) {
            throw new DatabaseUnavailableException("cannot connect to the database " + description + ": " + rootCause(e), e);
        }
    }

    /** The innermost message: what the driver or the network said. */
    static String rootCause(Throwable e) {
        String message = e.getMessage();
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    /** A JDBC URL may carry a password among its parameters: never show it. */
    public static String withoutSecrets(String url) {
        return url.replaceAll("(?i)(password|sslpassword)=[^&]*", "$1=***");
    }

    private static String password(DatabaseSettings settings, Map<String, String> env) {
        String file = settings.passwordFile() != null ? settings.passwordFile() : env.get("PILOTD_DB_PASSWORD_FILE");
        return password(file, settings.passwordEnv(), env, "database");
    }

    /**
     * A password from its file, or from the environment variable named, or none.
     *
     * @param key the config section that names them, for the error
     */
    public static String password(String file, String envName, Map<String, String> env, String key) {
        if (file != null) {
            try {
                return Files.readString(Path.of(file)).strip();
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + key + ".passwordFile " + file + ": " + e.getMessage(), e);
            }
        }
        if (envName != null) {
            String value = env.get(envName);
            if (value == null) {
                throw new IllegalStateException(key + ".passwordEnv names " + envName + ", which is not set");
            }
            return value;
        }
        return "";
    }

    /**
     * A connection of its own, outside the pool, with the pool's settings: for a session that
     * lives as long as the director (LISTEN), which must not hold one of the cycles' connections.
     */
    public Connection dedicatedConnection() throws SQLException {
        Properties properties = new Properties();
        properties.putAll(pool.getDataSourceProperties());
        properties.setProperty("user", pool.getUsername());
        properties.setProperty("password", pool.getPassword() == null ? "" : pool.getPassword());
        return DriverManager.getConnection(pool.getJdbcUrl(), properties);
    }

    private static HikariDataSource pool(String url, String user, String password, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("pilotd");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(1);
        // Fail fast with the cause: one attempt at start-up, and every attempt bounded (the
        // server may be unreachable, or accept the connection and never answer the login).
        config.setInitializationFailTimeout(1);
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        config.addDataSourceProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        config.addDataSourceProperty("loginTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        config.addDataSourceProperty("ApplicationName", "pilotd");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("socketTimeout", "300");
        return new HikariDataSource(config);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return pool;
    }

    /** The connection pool now: connections in use, idle, the most it may open, and threads waiting for one. */
    public record PoolState(int active, int idle, int max, int waiting) {
    }

    public PoolState poolState() {
        HikariPoolMXBean bean = pool.getHikariPoolMXBean();
        return bean == null ? new PoolState(0, 0, pool.getMaximumPoolSize(), 0)
                : new PoolState(bean.getActiveConnections(), bean.getIdleConnections(), pool.getMaximumPoolSize(),
                        bean.getThreadsAwaitingConnection());
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /**
     * Starts the embedded server again if it has died; nothing for an external one, whose
     * operator restarts it (the pool reconnects by itself).
     *
     * @return true when it had to be started again
     */
    public boolean restartEmbeddedIfDead() throws IOException {
        return embedded != null && embedded.restartIfDead();
    }

    /** Where the database is, without any secret. */
    public String description() {
        return description;
    }

    private Flyway flyway() {
        return Flyway.configure()
                .dataSource(pool)
                .locations("classpath:" + SchemaCheck.LOCATION)
                .validateMigrationNaming(true)
                .load();
    }

    public MigrateResult migrate() {
        return flyway().migrate();
    }

    public MigrationInfo[] migrations() {
        return flyway().info().all();
    }

    /**
     * Brings the embedded database up to date by itself; an external one must be migrated by its
     * operator ({@code pilotd db migrate}), who may want to see the change first.
     */
    public void ensureSchema() {
        if (SchemaCheck.current(jdbi)) {
            return;
        }
        if (isEmbedded()) {
            migrate();
            return;
        }
        MigrationInfo[] pending = flyway().info().pending();
        if (pending.length > 0) {
            throw new IllegalStateException("the database " + description + " has " + pending.length
                    + " pending migration(s): run 'pilotd db migrate' first");
        }
    }

    @Override
    public void close() {
        pool.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
