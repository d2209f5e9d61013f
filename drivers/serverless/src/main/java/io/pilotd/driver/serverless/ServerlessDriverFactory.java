package io.pilotd.driver.serverless;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;

/** {@code driver: serverless}: pilots through a serverless computing endpoint's REST API. */
public final class ServerlessDriverFactory implements PilotDriverFactory {
    @Override
    public String name() {
        return "serverless";
    }

    @Override
    public PilotDriver create(DriverParameters parameters, DriverContext context) throws InvalidParametersException {
        ServerlessConfig config = ServerlessConfig.from(parameters);
        return new ServerlessDriver(config, context, EndpointClient.create(config));
    }
}
