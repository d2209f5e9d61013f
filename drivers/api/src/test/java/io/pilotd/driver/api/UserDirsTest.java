package io.pilotd.driver.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserDirsTest {
    private static final Path ACCOUNT_HOME = Path.of(System.getProperty("user.home"));

    @Test
    void homeIsHomeWhereSetElseTheAccounts() {
        assertThat(UserDirs.home(Map.of("HOME", "/srv/operator"))).isEqualTo(Path.of("/srv/operator"));
        assertThat(UserDirs.home(Map.of("HOME", ""))).isEqualTo(ACCOUNT_HOME);
        assertThat(UserDirs.home(Map.of())).isEqualTo(ACCOUNT_HOME);
    }

    @Test
    void xdgDirectoriesWinWhereAbsoluteAndFallBackUnderHome() {
        assertThat(UserDirs.dataHome(Map.of("HOME", "/srv/operator"))).isEqualTo(Path.of("/srv/operator/.local/share"));
        assertThat(UserDirs.dataHome(Map.of("HOME", "/srv/operator", "XDG_DATA_HOME", "/data"))).isEqualTo(Path.of("/data"));
        assertThat(UserDirs.dataHome(Map.of("HOME", "/srv/operator", "XDG_DATA_HOME", "data")))
                .as("a relative path, which the XDG specification says to ignore").isEqualTo(Path.of("/srv/operator/.local/share"));
        assertThat(UserDirs.configHome(Map.of(), Path.of("/h"))).isEqualTo(Path.of("/h/.config"));
        assertThat(UserDirs.configHome(Map.of("XDG_CONFIG_HOME", "/etc/xdg-user"), Path.of("/h"))).isEqualTo(Path.of("/etc/xdg-user"));
    }

    @Test
    void aTildeIsHome() {
        Map<String, String> env = Map.of("HOME", "/srv/operator");
        assertThat(UserDirs.expand("~", env)).isEqualTo(Path.of("/srv/operator"));
        assertThat(UserDirs.expand("~/pilotd", env)).isEqualTo(Path.of("/srv/operator/pilotd"));
        assertThat(UserDirs.expand("~other/pilotd", env)).isEqualTo(Path.of("~other/pilotd"));
        assertThat(UserDirs.expand("/var/lib/pilotd", env)).isEqualTo(Path.of("/var/lib/pilotd"));
    }
}
