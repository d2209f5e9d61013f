package io.pilotd.director.driver;

import io.pilotd.driver.api.PilotDriverFactory;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drivers, found with {@link ServiceLoader}. Loading is strict: a driver that cannot be
 * loaded, or two drivers with one name, stop start-up with the driver's name.
 */
public final class DriverCatalog {
    private static final Logger log = LoggerFactory.getLogger(DriverCatalog.class);
    /** The folder whose sub-folders hold a driver each, with its own libraries. */
    public static final String DRIVERS_PROPERTY = "pilotd.drivers";

    private final Map<String, PilotDriverFactory> factories;

    public DriverCatalog(Collection<PilotDriverFactory> factories) {
        Map<String, PilotDriverFactory> byName = new TreeMap<>();
        for (PilotDriverFactory factory : factories) {
            PilotDriverFactory other = byName.put(factory.name(), factory);
            if (other != null) {
                throw new IllegalStateException("two drivers are named '" + factory.name() + "': "
                        + other.getClass().getName() + " and " + factory.getClass().getName());
            }
        }
        this.factories = Map.copyOf(byName);
    }

    /**
     * The drivers on the class path, and those of each folder of {@code -Dpilotd.drivers} (the
     * distribution's {@code lib/drivers}), each with a class loader of its own over the folder's
     * jars: a driver whose libraries would clash with the core's (jclouds' Guice) lives there.
     */
    public static DriverCatalog load() {
        List<PilotDriverFactory> found = new ArrayList<>(load(ServiceLoader.load(PilotDriverFactory.class), null));
        String folders = System.getProperty(DRIVERS_PROPERTY);
        if (folders != null) {
            found.addAll(loadFolders(Path.of(folders)));
        }
        DriverCatalog catalog = new DriverCatalog(found);
        for (PilotDriverFactory factory : found) {
            log.info("driver {} loaded ({})", factory.name(), factory.getClass().getName());
        }
        return catalog;
    }

    private static List<PilotDriverFactory> loadFolders(Path root) {
        List<PilotDriverFactory> found = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return found;
        }
        try (Stream<Path> folders = Files.list(root)) {
            for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
                List<URL> jars = new ArrayList<>();
                try (Stream<Path> files = Files.list(folder)) {
                    for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) {
                        jars.add(jar.toUri().toURL());
                    }
                }
                ClassLoader loader = new URLClassLoader("driver-" + folder.getFileName(), jars.toArray(URL[]::new),
                        DriverCatalog.class.getClassLoader());
                found.addAll(load(ServiceLoader.load(PilotDriverFactory.class, loader), loader));
            }
        } catch (IOException e) {
            throw new IllegalStateException("the drivers in " + root + " could not be read: " + e.getMessage(), e);
        }
        return found;
    }

    /** The providers found, those of {@code only} alone when given (a folder's loader also sees the class path's). */
    private static List<PilotDriverFactory> load(ServiceLoader<PilotDriverFactory> loader, ClassLoader only) {
        try {
            return loader.stream().filter(p -> only == null || p.type().getClassLoader() == only)
                    .map(ServiceLoader.Provider::get).toList();
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a driver could not be loaded: " + e.getMessage(), e);
        }
    }

    public Optional<PilotDriverFactory> factory(String name) {
        return Optional.ofNullable(factories.get(name));
    }

    public Set<String> names() {
        return new TreeSet<>(factories.keySet());
    }
}
