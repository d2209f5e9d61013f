package io.pilotd.bench;

import io.pilotd.director.config.DatabaseSettings;
import io.pilotd.director.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * An embedded PostgreSQL of the kind pilotd runs (fsync on, as in production), with
 * pg_stat_statements, so that the statements a piece of work sends are counted by the server.
 */
final class BenchDatabase implements AutoCloseable {
    private final EmbeddedPostgres server;
    private final Database database;

    BenchDatabase() {
        try {
            server = EmbeddedPostgres.builder()
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .setServerConfig("pg_stat_statements.track", "top")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        database = Database.open(new DatabaseSettings(server.getJdbcUrl("postgres", "postgres"), "postgres", null, null, 12),
                Path.of("unused"), Map.of());
        database.migrate();
        database.jdbi().useHandle(h -> h.execute("create extension if not exists pg_stat_statements"));
    }

    Database database() {
        return database;
    }

    /** Empties the tables a figure fills, so that each starts from the same place. */
    void clear() {
        database.jdbi().useHandle(h -> h.execute("truncate pilot, pilot_status_history, director_cycle, task_queue cascade"));
    }

    /** Forgets the statements counted so far. */
    void resetStatements() {
        database.jdbi().useHandle(h -> h.execute("select pg_stat_statements_reset()"));
    }

    /** Statements the server ran since the last reset, less the counting's own. */
    long statements() {
        return database.jdbi().withHandle(h -> h.createQuery("""
                        select coalesce(sum(calls), 0) from pg_stat_statements
                        where query not like '%pg_stat_statements%'""")
                .mapTo(Long.class).one());
    }

    @Override
    public void close() throws IOException {
        database.close();
        server.close();
    }
}
