package io.pilotd.director;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The core's shape, read from its sources: its packages import no driver but through the
 * contract, no host (the daemon, the endpoint, the status page, the CLI: they are another
 * module, and a test is faster to read than a class path), and none imports another in a circle.
 */
class CoreArchitectureTest {
    private static final Path SOURCES = Path.of("src/main/java/io/pilotd/director");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(io\\.pilotd\\.[\\w.]+)\\.[A-Z]\\w*", Pattern.MULTILINE);
    private static final Set<String> HOSTS = Set.of("cli", "daemon", "endpoint", "monitor");

    /** Each core package, with the packages of pilotd its classes import. */
    private static final Map<String, Set<String>> IMPORTS = new TreeMap<>();

    @BeforeAll
    static void read() throws IOException {
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = SOURCES.relativize(file.getParent()).toString().replace('/', '.');
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    IMPORTS.computeIfAbsent(pkg, k -> new TreeSet<>()).add(m.group(1));
                }
            }
        }
        assertThat(IMPORTS).containsKeys("cycle", "store", "demand");
    }

    @Test
    void noCorePackageImportsADriverButThroughTheContract() {
        IMPORTS.forEach((pkg, imports) -> assertThat(imports).as(pkg)
                .noneMatch(i -> i.startsWith("io.pilotd.driver.") && !i.equals("io.pilotd.driver.api")));
    }

    @Test
    void noCorePackageImportsAHost() {
        IMPORTS.forEach((pkg, imports) -> assertThat(imports).as(pkg)
                .noneMatch(i -> HOSTS.stream().anyMatch(host -> i.equals("io.pilotd.director." + host))));
    }

    @Test
    void noCorePackageImportsAnotherInACircle() {
        List<String> circles = new ArrayList<>();
        for (String pkg : IMPORTS.keySet()) {
            for (String other : dependencies(pkg)) {
                if (reaches(other, pkg)) {
                    circles.add(pkg + " -> " + other + " -> ... -> " + pkg);
                }
            }
        }
        assertThat(circles).isEmpty();
    }

    private static Set<String> dependencies(String pkg) {
        Set<String> deps = new TreeSet<>();
        for (String i : IMPORTS.getOrDefault(pkg, Set.of())) {
            if (i.startsWith("io.pilotd.director.")) {
                String other = i.substring("io.pilotd.director.".length());
                if (!other.equals(pkg)) {
                    deps.add(other);
                }
            }
        }
        return deps;
    }

    private static boolean reaches(String from, String to) {
        Set<String> seen = new HashSet<>();
        List<String> next = new ArrayList<>(List.of(from));
        while (!next.isEmpty()) {
            String pkg = next.remove(next.size() - 1);
            if (pkg.equals(to)) {
                return true;
            }
            if (seen.add(pkg)) {
                next.addAll(dependencies(pkg));
            }
        }
        return false;
    }
}
