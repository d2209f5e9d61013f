package io.pilotd.director.cli;

import java.io.File;
import java.io.IOException;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * While bin/pilotd archives the classes a first command loaded (class data sharing), loads the
 * classes every command uses too, uninitialised: pilotd's own, and those of the libraries on
 * the path of a command (config, database, output). The archive then serves any command as
 * well as the one that happened to run first; the cloud SDKs, which only the daemon and
 * submissions load, stay out of it.
 */
final class ClassArchive {
    /** Set by bin/pilotd on the run that writes the archive. */
    static final String PROPERTY = "pilotd.cds.dump";
    private static final List<String> PACKAGES = List.of("io.pilotd.director.", "io.pilotd.driver.api.", "picocli.",
            "com.fasterxml.jackson.", "org.yaml.snakeyaml.", "org.jdbi.v3.core.", "org.postgresql.", "com.zaxxer.hikari.");

    private ClassArchive() {
    }

    static void loadCommandClassesIfArchiving() {
        if (System.getProperty(PROPERTY) == null) {
            return;
        }
        ClassLoader loader = ClassArchive.class.getClassLoader();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith(".jar")) {
                loadFrom(entry, loader);
            }
        }
    }

    private static void loadFrom(String path, ClassLoader loader) {
        try (JarFile jar = new JarFile(path)) {
            for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
                String name = entries.nextElement().getName();
                if (!name.endsWith(".class") || name.contains("-")) {
                    continue;
                }
                String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
                if (PACKAGES.stream().anyMatch(className::startsWith)) {
                    load(className, loader);
                }
            }
        } catch (IOException | RuntimeException e) {
            // the archive is a speed-up, nothing more
        }
    }

    private static void load(String name, ClassLoader loader) {
        try {
            Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            // a class whose optional dependency is absent: not archived
        }
    }
}
