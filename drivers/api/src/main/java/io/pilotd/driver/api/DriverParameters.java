package io.pilotd.driver.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A queue's driver parameters as read from the config, with typed getters that collect every
 * problem instead of stopping at the first, so that one {@code config check} names them all.
 *
 * <p>Use: read every parameter, then call {@link #validate()}, which also refuses the keys that
 * were never read (a typo must not be silently ignored).
 */
public final class DriverParameters {
    private final Map<String, Object> values;
    private final Set<String> read = new HashSet<>();
    private final List<InvalidParametersException.Problem> problems = new ArrayList<>();

    public DriverParameters(Map<String, ?> values) {
        this.values = new LinkedHashMap<>(values == null ? Map.of() : values);
    }

    public String requireString(String name) {
        return optionalString(name).orElseGet(() -> {
            problem(name, "is required");
            return "";
        });
    }

    public Optional<String> optionalString(String name) {
        Object value = take(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Map || value instanceof List) {
            problem(name, "must be a single value, not " + describe(value));
            return Optional.empty();
        }
        String text = value.toString().trim();
        if (text.isEmpty()) {
            problem(name, "must not be empty");
            return Optional.empty();
        }
        return Optional.of(text);
    }

    public int optionalInt(String name, int defaultValue, int min, int max) {
        Object value = take(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            long number = value instanceof Number n ? n.longValue() : Long.parseLong(value.toString().trim());
            if (number < min || number > max) {
                problem(name, "must be between " + min + " and " + max + ", not " + number);
                return defaultValue;
            }
            return (int) number;
        } catch (NumberFormatException e) {
            problem(name, "must be a whole number, not '" + value + "'");
            return defaultValue;
        }
    }

    public boolean optionalBoolean(String name, boolean defaultValue) {
        Object value = take(name);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        problem(name, "must be true or false, not '" + value + "'");
        return defaultValue;
    }

    public Optional<Duration> optionalDuration(String name) {
        return optionalString(name).flatMap(text -> {
            try {
                return Optional.of(Durations.parse(text));
            } catch (IllegalArgumentException e) {
                problem(name, e.getMessage());
                return Optional.empty();
            }
        });
    }

    public List<String> optionalStringList(String name) {
        Object value = take(name);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            List<String> strings = new ArrayList<>();
            for (Object item : list) {
                if (item == null || item instanceof Map || item instanceof List) {
                    problem(name, "must be a list of single values");
                    return List.of();
                }
                strings.add(item.toString());
            }
            return List.copyOf(strings);
        }
        return List.of(value.toString());
    }

    public Map<String, String> optionalStringMap(String name) {
        Object value = take(name);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            problem(name, "must be a mapping of names to values, not " + describe(value));
            return Map.of();
        }
        Map<String, String> strings = new LinkedHashMap<>();
        map.forEach((k, v) -> strings.put(String.valueOf(k), v == null ? "" : v.toString()));
        return strings;
    }

    /**
     * The secret held by the file this parameter names: its content, stripped. A file others
     * than its owner may read is refused, and so is an empty one.
     */
    public Optional<String> optionalSecretFile(String name) {
        return optionalString(name).map(Path::of).map(file -> {
            try {
                if (SecretFiles.openToOthers(file)) {
                    problem(name, file + " can be read by others than its owner: chmod 600 it");
                    return "";
                }
                String secret = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (secret.isEmpty()) {
                    problem(name, file + " is empty");
                }
                return secret;
            } catch (IOException e) {
                problem(name, "cannot read " + file + ": " + e.getMessage());
                return "";
            }
        });
    }

    /** Refuses a parameter that has moved elsewhere in the config, saying where. */
    public void moved(String name, String replacement) {
        if (take(name) != null) {
            problem(name, "is no longer a parameter of this driver: set " + replacement + " instead");
        }
    }

    /** Records a problem found by the driver's own checks (e.g. two parameters that conflict). */
    public void problem(String name, String message) {
        problems.add(new InvalidParametersException.Problem(name, message));
    }

    /** Throws with every problem found, including keys that no getter read. */
    public void validate() throws InvalidParametersException {
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                problem(key, "is not a parameter of this driver");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidParametersException(problems);
        }
    }

    private Object take(String name) {
        read.add(name);
        return values.get(name);
    }

    private static String describe(Object value) {
        return value instanceof Map ? "a mapping" : value instanceof List ? "a list" : "'" + value + "'";
    }
}
