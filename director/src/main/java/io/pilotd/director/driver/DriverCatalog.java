package io.pilotd.director.driver;

import io.pilotd.driver.api.PilotDriverFactory;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drivers on the class path, found with {@link ServiceLoader}. Loading is strict: a driver
 * that cannot be loaded, or two drivers with one name, stop start-up with the driver's name.
 */
public final class DriverCatalog {
    private static final Logger log = LoggerFactory.getLogger(DriverCatalog.class);

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

    public static DriverCatalog load() {
        List<PilotDriverFactory> found;
        try {
            found = ServiceLoader.load(PilotDriverFactory.class).stream().map(ServiceLoader.Provider::get).toList();
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("a driver could not be loaded: " + e.getMessage(), e);
        }
        DriverCatalog catalog = new DriverCatalog(found);
        for (PilotDriverFactory factory : found) {
            log.info("driver {} loaded ({})", factory.name(), factory.getClass().getName());
        }
        return catalog;
    }

    public Optional<PilotDriverFactory> factory(String name) {
        return Optional.ofNullable(factories.get(name));
    }

    public Set<String> names() {
        return new TreeSet<>(factories.keySet());
    }
}
