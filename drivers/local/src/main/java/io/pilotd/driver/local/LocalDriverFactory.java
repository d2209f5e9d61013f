package io.pilotd.driver.local;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;

/** {@code driver: local}: pilots as processes on the director host. */
public final class LocalDriverFactory implements PilotDriverFactory {
    @Override
    public String name() {
        return "local";
    }

    @Override
    public PilotDriver create(DriverParameters parameters, DriverContext context) throws InvalidParametersException {
        return new LocalDriver(LocalConfig.from(parameters), context);
    }
}
