package io.pilotd.driver.api;

import java.util.List;
import java.util.Set;

/**
 * A driver's entry point, found by {@link java.util.ServiceLoader}: its {@link #name()} is the
 * {@code driver:} value of a queue in the config.
 */
public interface PilotDriverFactory {

    String name();

    /** Parameters whose values the host must never log or print. */
    default Set<String> secretParameters() {
        return Set.of();
    }

    /**
     * Checks the queue's parameters and builds the driver. Must not call the cloud, so that
     * {@code pilotd config check} can use it offline.
     *
     * @throws InvalidParametersException naming every parameter that is wrong
     */
    PilotDriver create(DriverParameters parameters, DriverContext context) throws InvalidParametersException;

    /**
     * What of parameters {@link #create} accepted will not work now but may later (a program on
     * a file system not mounted yet): said by {@code pilotd config check} and at start, refused
     * by neither. Must not call the cloud.
     */
    default List<InvalidParametersException.Problem> warnings(DriverParameters parameters) {
        return List.of();
    }
}
