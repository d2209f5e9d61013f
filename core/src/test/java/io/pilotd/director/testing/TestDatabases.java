package io.pilotd.director.testing;

import io.pilotd.director.config.DatabaseSettings;
import io.pilotd.director.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL for the whole test run, and a fresh, migrated database in it for each
 * caller, so that tests run against the real thing without sharing state.
 */
public final class TestDatabases {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedPostgres server;

    private TestDatabases() {
    }

    private static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }

    /** The JDBC URL of a new, empty database. */
    public static String newDatabaseUrl() {
        String name = "test_" + COUNTER.incrementAndGet();
        try (Connection c = server().getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return server().getJdbcUrl("postgres", name);
    }

    /** A new database with pilotd's schema. */
    public static Database fresh() {
        Database db = Database.open(new DatabaseSettings(newDatabaseUrl(), "postgres", null, null, 12),
                Path.of("unused"), Map.of());
        db.migrate();
        return db;
    }
}
