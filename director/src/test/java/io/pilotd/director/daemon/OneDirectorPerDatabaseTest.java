package io.pilotd.director.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.DirectorRegistry;
import io.pilotd.director.testing.Daemons;
import io.pilotd.director.testing.FakeDriverFactory;
import io.pilotd.director.testing.TestDatabases;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second director on a database is refused, naming the first, unless all of them are clustered. */
class OneDirectorPerDatabaseTest {
    private Database db;

    @TempDir
    Path dataDir;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        FakeDriverFactory.reset();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private static DirectorRegistry register(Database db, String id, boolean clustered) {
        return DirectorRegistry.register(db.jdbi(), id, "host-of-" + id, 4242, clustered);
    }

    @Test
    void aSecondDirectorIsRefusedWithTheFirstOnesIdentity() throws Exception {
        var queue = Daemons.queue("q", Duration.ofMinutes(10), Duration.ZERO, 1);
        try (Director first = Director.start(Daemons.config("first", queue), db, DriverCatalog.load(), dataDir)) {
            assertThat(first.id()).isEqualTo("first");
            assertThatThrownBy(() -> Director.start(Daemons.config("second", queue), db, DriverCatalog.load(), dataDir))
                    .isInstanceOf(DirectorRegistry.AnotherDirectorException.class)
                    .hasMessageStartingWith("another director runs on this database: director first on host "
                            + DirectorId.host() + " (pid " + ProcessHandle.current().pid() + ", not clustered) since ")
                    .hasMessageContaining("set director.clustered: true");
        }
        Director.start(Daemons.config("second", queue), db, DriverCatalog.load(), dataDir).close();
    }

    @Test
    void clusteredDirectorsShareTheDatabaseAndNoneSharesItWithALoneOne() {
        try (DirectorRegistry a = register(db, "a", true); DirectorRegistry b = register(db, "b", true)) {
            assertThatThrownBy(() -> register(db, "alone", false))
                    .hasMessageContaining("director a on host host-of-a (pid 4242, clustered)");
            assertThatThrownBy(() -> register(db, "a", true)).as("one id, one director")
                    .hasMessageStartingWith("a director with id a already runs on this database");
            assertThat(a.holding()).isTrue();
            assertThat(b.holding()).isTrue();
        }
        try (DirectorRegistry alone = register(db, "alone", false)) {
            assertThatThrownBy(() -> register(db, "c", true)).hasMessageContaining("director alone on host host-of-alone");
        }
    }
}
