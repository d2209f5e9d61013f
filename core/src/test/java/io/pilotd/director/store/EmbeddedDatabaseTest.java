package io.pilotd.director.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilotd.director.config.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL of a data directory is private (a password on every connection) and durable. */
class EmbeddedDatabaseTest {
    @TempDir
    Path dataDir;

    private static String show(Database db, String setting) {
        return db.jdbi().withHandle(h -> h.createQuery("show " + setting).mapTo(String.class).one());
    }

    @Test
    void itSyncsEveryCommitToDiskAndLetsNoOneInWithoutItsSecret() throws Exception {
        try (Database db = Database.open(new DatabaseSettings(null, null, null, null, 4), dataDir, Map.of())) {
            assertThat(show(db, "fsync")).isEqualTo("on");
            assertThat(show(db, "synchronous_commit")).isEqualTo("on");
            assertThat(show(db, "full_page_writes")).isEqualTo("on");

            Path secret = dataDir.resolve("db.secret");
            assertThat(Files.getPosixFilePermissions(secret)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            int port = db.jdbi().withHandle(h -> h.createQuery("show port").mapTo(Integer.class).one());
            String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "")).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "guess"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
            DriverManager.getConnection(url, "postgres", Files.readString(secret).strip()).close();
        }
    }

    @Test
    void aClusterThatTrustedEveryoneIsMadePrivateAtItsNextStart() throws Exception {
        Path pgData = dataDir.resolve("pgdata");
        // What an older pilotd made: the library's defaults, trust for every local user.
        EmbeddedPostgres.builder().setDataDirectory(pgData).setCleanDataDirectory(false).start().close();
        assertThat(Files.readString(pgData.resolve("pg_hba.conf"))).contains("trust");

        try (Database db = Database.open(new DatabaseSettings(null, null, null, null, 4), dataDir, Map.of())) {
            int port = db.jdbi().withHandle(h -> h.createQuery("show port").mapTo(Integer.class).one());
            assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                    "postgres", "")).isInstanceOf(SQLException.class);
            assertThat(show(db, "fsync")).isEqualTo("on");
        }
        assertThat(Files.readString(pgData.resolve("pg_hba.conf"))).doesNotContain("trust");
    }

    @Test
    void aSecretOthersCanReadIsRefused() throws Exception {
        Path secret = Files.writeString(dataDir.resolve("db.secret"), "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> Database.open(new DatabaseSettings(null, null, null, null, 4), dataDir, Map.of()))
                .hasMessageContaining("db.secret must be readable by its owner only");
    }
}
