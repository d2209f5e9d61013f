package io.pilotd.director.config;

import java.nio.file.Path;

/** Where pilotd keeps its embedded database and the drivers' state. */
public final class DataDirs {
    private DataDirs() {
    }

    /**
     * The first of: the command line's {@code --data-dir}, the config's {@code director.dataDir},
     * {@code PILOTD_DATA_DIR}, {@code $XDG_DATA_HOME/pilotd}, {@code ~/.local/share/pilotd}.
     */
    public static Path resolve(Path commandLine, String configured) {
        if (commandLine != null) {
            return commandLine.toAbsolutePath();
        }
        if (configured != null && !configured.isBlank()) {
            return expandHome(configured);
        }
        String env = System.getenv("PILOTD_DATA_DIR");
        if (env != null && !env.isBlank()) {
            return expandHome(env);
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "pilotd").toAbsolutePath();
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "pilotd");
    }

    public static Path driverDir(Path dataDir, String queue) {
        return dataDir.resolve("drivers").resolve(queue);
    }

    private static Path expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + path.substring(1));
        }
        return Path.of(path).toAbsolutePath();
    }
}
