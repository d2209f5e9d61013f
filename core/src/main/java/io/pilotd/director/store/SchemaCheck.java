package io.pilotd.director.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.jdbi.v3.core.Jdbi;

/**
 * Tells, with one query and without Flyway (which takes most of a second to start), whether the
 * database has every migration this build ships, each as shipped: then there is nothing to
 * migrate, and a command can start at once. When in doubt it says no, and Flyway decides.
 */
final class SchemaCheck {
    static final String LOCATION = "db/migration";

    private SchemaCheck() {
    }

    static boolean current(Jdbi jdbi) {
        Map<String, Integer> shipped = shipped();
        Map<String, Integer> applied = new HashMap<>();
        boolean hasHistory = jdbi.withHandle(h -> h.createQuery("select to_regclass('flyway_schema_history') is not null")
                .mapTo(Boolean.class).one());
        if (!hasHistory || shipped.isEmpty()) {
            return false;
        }
        // the latest attempt at each script, when it succeeded
        jdbi.useHandle(h -> h.createQuery("""
                        select script, checksum from (
                            select distinct on (script) script, checksum, success from flyway_schema_history
                            where type <> 'SCHEMA' order by script, installed_rank desc) latest
                        where success""")
                .map((rs, ctx) -> Map.entry(rs.getString("script"), rs.getInt("checksum")))
                .forEach(e -> applied.put(e.getKey(), e.getValue())));
        return shipped.equals(applied);
    }

    /** The migrations on the class path, by file name, with Flyway's checksum of each. */
    static Map<String, Integer> shipped() {
        URL location = SchemaCheck.class.getClassLoader().getResource(LOCATION);
        if (location == null) {
            return Map.of();
        }
        Map<String, Integer> scripts = new TreeMap<>();
        try {
            if (location.getProtocol().equals("jar")) {
                JarURLConnection connection = (JarURLConnection) location.openConnection();
                connection.setUseCaches(false);
                try (JarFile jar = connection.getJarFile()) {
                    for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                        JarEntry entry = entries.nextElement();
                        String name = entry.getName();
                        if (name.startsWith(LOCATION + "/") && name.endsWith(".sql")) {
                            try (InputStream in = jar.getInputStream(entry)) {
                                scripts.put(name.substring(LOCATION.length() + 1), checksum(in));
                            }
                        }
                    }
                }
            } else {
                try (Stream<Path> files = Files.list(Path.of(location.toURI()))) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
                        try (InputStream in = Files.newInputStream(file)) {
                            scripts.put(file.getFileName().toString(), checksum(in));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the migrations at " + location + ": " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return scripts;
    }

    /** Flyway's checksum: CRC-32 of the lines' UTF-8 bytes, without line ends or a byte-order mark. */
    static int checksum(InputStream in) throws IOException {
        CRC32 crc = new CRC32();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        boolean first = true;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (first && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            first = false;
            crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }
}
