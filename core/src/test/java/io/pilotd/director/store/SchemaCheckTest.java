package io.pilotd.director.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.DatabaseSettings;
import io.pilotd.director.testing.TestDatabases;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The quick schema check agrees with Flyway: current exactly when Flyway has nothing to do. */
class SchemaCheckTest {
    private Database db;

    @BeforeEach
    void setUp() {
        db = Database.open(new DatabaseSettings(TestDatabases.newDatabaseUrl(), "postgres", null, null, 2), Path.of("unused"),
                Map.of());
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void itsChecksumsAreFlywaysAndAMigratedDatabaseIsCurrent() {
        assertThat(SchemaCheck.current(db.jdbi())).as("an empty database").isFalse();
        db.migrate();
        Map<String, Integer> flyway = Arrays.stream(db.migrations())
                .collect(Collectors.toMap(MigrationInfo::getScript, MigrationInfo::getChecksum));
        assertThat(SchemaCheck.shipped()).isEqualTo(flyway).hasSizeGreaterThan(15);
        assertThat(SchemaCheck.current(db.jdbi())).isTrue();
    }

    @Test
    void aScriptChangedSinceItWasAppliedOrNeverAppliedIsNotCurrent() {
        db.migrate();
        db.jdbi().useHandle(h -> h.execute("update flyway_schema_history set checksum = checksum + 1"
                + " where script = 'R__report_pilots.sql'"));
        assertThat(SchemaCheck.current(db.jdbi())).isFalse();
        db.migrate();
        assertThat(SchemaCheck.current(db.jdbi())).as("Flyway applied it again").isTrue();

        db.jdbi().useHandle(h -> h.execute("delete from flyway_schema_history where script = 'V9__report_window.sql'"));
        assertThat(SchemaCheck.current(db.jdbi())).isFalse();
    }
}
