package io.pilotd.driver.jclouds;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;

/** {@code driver: jclouds}: pilots as VMs of a jclouds compute provider. */
public final class JcloudsDriverFactory implements PilotDriverFactory {
    @Override
    public String name() {
        return "jclouds";
    }

    @Override
    public PilotDriver create(DriverParameters parameters, DriverContext context) throws InvalidParametersException {
        JcloudsConfig config = JcloudsConfig.from(parameters);
        return new JcloudsDriver(config, context, new JcloudsContexts(config));
    }
}
