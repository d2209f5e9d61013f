package io.pilotd.director.config;

/**
 * An external PostgreSQL. With no {@code url} here nor in {@code PILOTD_DB_URL}, pilotd runs an
 * embedded PostgreSQL in its data directory. The password is never inline: a file, or the name
 * of an environment variable. Without a {@code poolSize}, {@link PilotdConfig} derives it from
 * the threads that hold connections.
 */
public record DatabaseSettings(String url, String user, String passwordFile, String passwordEnv, Integer poolSize) {
    public static DatabaseSettings none() {
        return new DatabaseSettings(null, null, null, null, null);
    }

    DatabaseSettings withPoolSize(int size) {
        return new DatabaseSettings(url, user, passwordFile, passwordEnv, size);
    }
}
