package io.pilotd.driver.api;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A user's own directories, from the environment as the XDG Base Directory specification says:
 * {@code $HOME} (else the account's home, which the JVM reads from the password database), and
 * {@code $XDG_CONFIG_HOME} and {@code $XDG_DATA_HOME} where set to an absolute path (the
 * specification ignores a relative one).
 */
public final class UserDirs {
    private UserDirs() {
    }

    public static Path home(Map<String, String> env) {
        String home = env.get("HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"));
    }

    /** {@code $XDG_CONFIG_HOME}, else {@code home/.config}. */
    public static Path configHome(Map<String, String> env, Path home) {
        return xdg(env, "XDG_CONFIG_HOME").orElse(home.resolve(".config"));
    }

    /** {@code $XDG_DATA_HOME}, else {@code $HOME/.local/share}. */
    public static Path dataHome(Map<String, String> env) {
        return xdg(env, "XDG_DATA_HOME").orElse(home(env).resolve(".local").resolve("share"));
    }

    /** {@code ~} or {@code ~/…} under {@code $HOME}; any other path as it is. */
    public static Path expand(String path, Map<String, String> env) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(home(env) + path.substring(1));
        }
        return Path.of(path);
    }

    private static Optional<Path> xdg(Map<String, String> env, String variable) {
        String value = env.get(variable);
        return value != null && !value.isBlank() && Path.of(value).isAbsolute() ? Optional.of(Path.of(value)) : Optional.empty();
    }
}
