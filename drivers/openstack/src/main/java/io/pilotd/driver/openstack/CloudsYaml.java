package io.pilotd.driver.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pilotd.driver.api.UserDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cloud of {@code clouds.yaml}, found where the OpenStack client looks for it:
 * {@code $OS_CLIENT_CONFIG_FILE}, then {@code ./clouds.yaml}, {@code $XDG_CONFIG_HOME/openstack/clouds.yaml}
 * (else {@code ~/.config/openstack/clouds.yaml})
 * and {@code /etc/openstack/clouds.yaml}; a {@code secure.yaml} beside it adds its secrets.
 */
final class CloudsYaml {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** A cloud's settings, flattened to the keys of the file ({@code auth.username}, {@code region_name}...). */
    record Cloud(String name, Path file, Map<String, String> settings) {
        Optional<String> get(String key) {
            return Optional.ofNullable(settings.get(key)).filter(v -> !v.isBlank());
        }
    }

    /** Why a cloud could not be had from the files, naming the file and the key. */
    static final class CloudsYamlException extends Exception {
        private static final long serialVersionUID = 1L;

        CloudsYamlException(String message) {
            super(message);
        }
    }

    private CloudsYaml() {
    }

    static List<Path> locations(Map<String, String> env, Path home, Path workDir, String fileName) {
        List<Path> paths = new ArrayList<>();
        if ("clouds.yaml".equals(fileName) && env.containsKey("OS_CLIENT_CONFIG_FILE")) {
            paths.add(Path.of(env.get("OS_CLIENT_CONFIG_FILE")));
        }
        paths.add(workDir.resolve(fileName));
        paths.add(UserDirs.configHome(env, home).resolve("openstack").resolve(fileName));
        paths.add(Path.of("/etc/openstack").resolve(fileName));
        return paths;
    }

    /** The named cloud of the first clouds.yaml found, or of {@code file} when given. */
    static Cloud find(String name, Optional<Path> file, Map<String, String> env, Path home, Path workDir)
            throws CloudsYamlException {
        List<Path> candidates = file.map(List::of).orElseGet(() -> locations(env, home, workDir, "clouds.yaml"));
        Optional<Path> found = candidates.stream().filter(Files::isReadable).findFirst();
        if (found.isEmpty()) {
            throw new CloudsYamlException("no clouds.yaml found (looked in " + candidates + ") for cloud '" + name + "'");
        }
        Map<String, String> settings = cloud(found.get(), name).orElseThrow(() -> new CloudsYamlException(
                found.get() + " has no cloud '" + name + "' under clouds:"));
        Path secure = found.get().resolveSibling("secure.yaml");
        if (Files.isReadable(secure)) {
            cloud(secure, name).ifPresent(settings::putAll);
        }
        return new Cloud(name, found.get(), settings);
    }

    private static Optional<Map<String, String>> cloud(Path file, String name) throws CloudsYamlException {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new CloudsYamlException(file + " is not valid YAML: " + e.getMessage());
        }
        JsonNode cloud = root == null ? null : root.path("clouds").get(name);
        if (cloud == null) {
            return Optional.empty();
        }
        if (!cloud.isObject()) {
            throw new CloudsYamlException(file + ": clouds." + name + " must be a mapping");
        }
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", cloud, flat);
        return Optional.of(flat);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        node.fields().forEachRemaining(e -> {
            if (e.getValue().isObject()) {
                flatten(prefix + e.getKey() + ".", e.getValue(), into);
            } else if (e.getValue().isValueNode()) {
                into.put(prefix + e.getKey(), e.getValue().asText());
            }
        });
    }
}
