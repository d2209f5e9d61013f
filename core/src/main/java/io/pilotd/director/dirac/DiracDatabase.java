package io.pilotd.director.dirac;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pilotd.director.config.DiracSettings;
import io.pilotd.director.store.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

/**
 * One of a DIRAC installation's databases (MariaDB), through a small pool of its own.
 * The pool opens no connection at start-up: DIRAC's database being down must not keep pilotd
 * from starting, only from reading it.
 */
public final class DiracDatabase implements AutoCloseable {
    /** The longest a connection attempt, or one statement's answer, may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(60);

    private final HikariDataSource pool;
    private final String description;

    private DiracDatabase(HikariDataSource pool, String description) {
        this.pool = pool;
        this.description = description;
    }

    /**
     * @param key      the config key that names it (dirac.taskQueueDB), for errors and the pool's name
     * @param readOnly pilotd only reads it: the session says so, and MariaDB refuses any write
     */
    public static DiracDatabase open(String key, DiracSettings.Connection settings, boolean readOnly,
                                     Map<String, String> env) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(key);
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        config.setPassword(Database.password(settings.passwordFile(), settings.passwordEnv(), env, key));
        config.setMaximumPoolSize(2);
        config.setMinimumIdle(0);
        config.setInitializationFailTimeout(-1);
        config.setReadOnly(readOnly);
        config.setConnectionTimeout(CONNECT_TIMEOUT.toMillis());
        config.addDataSourceProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toMillis()));
        config.addDataSourceProperty("socketTimeout", Long.toString(STATEMENT_TIMEOUT.toMillis()));
        return new DiracDatabase(new HikariDataSource(config), key + " (" + Database.withoutSecrets(settings.url()) + " as "
                + settings.user() + ")");
    }

    public Connection connection() throws SQLException {
        return pool.getConnection();
    }

    /** Which database, where, as whom: never the password. */
    public String description() {
        return description;
    }

    @Override
    public void close() {
        pool.close();
    }
}
