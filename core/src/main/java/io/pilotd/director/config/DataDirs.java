package io.pilotd.director.config;

import io.pilotd.driver.api.UserDirs;
import java.nio.file.Path;
import java.util.Map;

/** Where pilotd keeps its embedded database and the drivers' state. */
public final class DataDirs {
    private DataDirs() {
    }

    /**
     * The first of: the command line's {@code --data-dir}, the config's {@code director.dataDir},
     * {@code PILOTD_DATA_DIR}, {@code $XDG_DATA_HOME/pilotd}, {@code $HOME/.local/share/pilotd}.
     */
    public static Path resolve(Path commandLine, String configured) {
        return resolve(commandLine, configured, System.getenv());
    }

    static Path resolve(Path commandLine, String configured, Map<String, String> env) {
        if (commandLine != null) {
            return commandLine.toAbsolutePath();
        }
        if (configured != null && !configured.isBlank()) {
            return UserDirs.expand(configured, env).toAbsolutePath();
        }
        String fromEnv = env.get("PILOTD_DATA_DIR");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return UserDirs.expand(fromEnv, env).toAbsolutePath();
        }
        return UserDirs.dataHome(env).resolve("pilotd").toAbsolutePath();
    }

    public static Path driverDir(Path dataDir, String queue) {
        return dataDir.resolve("drivers").resolve(queue);
    }
}
