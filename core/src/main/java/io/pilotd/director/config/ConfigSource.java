package io.pilotd.director.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Which config applies: {@code --config FILE}, else {@code PILOTD_CONFIG}, else
 * {@code /etc/pilotd/pilotd.yaml} when it exists, else the built-in default.
 *
 * @param file the file, or null for the built-in default
 */
public record ConfigSource(Path file) {
    public static final Path SYSTEM_CONFIG = Path.of("/etc/pilotd/pilotd.yaml");

    public static ConfigSource resolve(Path commandLine, Map<String, String> env) {
        if (commandLine != null) {
            return new ConfigSource(commandLine);
        }
        String fromEnv = env.get("PILOTD_CONFIG");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return new ConfigSource(Path.of(fromEnv));
        }
        return new ConfigSource(Files.exists(SYSTEM_CONFIG) ? SYSTEM_CONFIG : null);
    }

    public boolean isBuiltIn() {
        return file == null;
    }

    public String describe() {
        return file == null ? "the built-in default (one local queue)" : file.toString();
    }
}
