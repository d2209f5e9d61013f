package io.pilotd.director.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The data directory follows the environment, not the password database's home. */
class DataDirsTest {
    private static final Map<String, String> OPERATOR = Map.of("HOME", "/srv/operator");

    @Test
    void withNothingSaidItIsUnderHome() {
        assertThat(DataDirs.resolve(null, null, OPERATOR)).isEqualTo(Path.of("/srv/operator/.local/share/pilotd"));
    }

    @Test
    void xdgDataHomeComesBeforeHome() {
        assertThat(DataDirs.resolve(null, null, Map.of("HOME", "/srv/operator", "XDG_DATA_HOME", "/data")))
                .isEqualTo(Path.of("/data/pilotd"));
    }

    @Test
    void theVariableTheConfigAndTheCommandLineComeFirst_inThatOrderUpward() {
        Map<String, String> env = Map.of("HOME", "/srv/operator", "XDG_DATA_HOME", "/data", "PILOTD_DATA_DIR", "~/pilotd-data");

        assertThat(DataDirs.resolve(null, null, env)).isEqualTo(Path.of("/srv/operator/pilotd-data"));
        assertThat(DataDirs.resolve(null, "~/configured", env)).isEqualTo(Path.of("/srv/operator/configured"));
        assertThat(DataDirs.resolve(Path.of("/given"), "~/configured", env)).isEqualTo(Path.of("/given"));
    }
}
