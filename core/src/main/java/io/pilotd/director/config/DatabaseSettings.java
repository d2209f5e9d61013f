package io.pilotd.director.config;

/**
 * An external PostgreSQL. With no {@code url} here nor in {@code PILOTD_DB_URL}, pilotd runs an
 * embedded PostgreSQL in its data directory. The password is never inline: a file, or the name
 * of an environment variable.
 */
public record DatabaseSettings(String url, String user, String passwordFile, String passwordEnv, Integer poolSize) {
    public static DatabaseSettings none() {
        return new DatabaseSettings(null, null, null, null, null);
    }

    public DatabaseSettings {
        poolSize = poolSize == null ? 10 : poolSize;
    }
}
