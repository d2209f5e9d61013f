package io.pilotd.driver.local;

import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * @param command     a program and its arguments, run once per pilot instead of the DIRAC pilot
 *                    wrapper (a demo, a test); empty: the wrapper
 * @param environment extra variables for every pilot (the payload's and the stamp come on top)
 * @param killGrace   how long a killed pilot gets between SIGTERM and SIGKILL
 */
record LocalConfig(List<String> command, Map<String, String> environment, Duration killGrace) {

    static LocalConfig from(DriverParameters parameters) throws InvalidParametersException {
        List<String> command = parameters.optionalStringList("command");
        Map<String, String> environment = parameters.optionalStringMap("environment");
        Duration killGrace = parameters.optionalDuration("killGrace").orElse(Duration.ofSeconds(10));
        parameters.validate();
        return new LocalConfig(command, environment, killGrace);
    }
}
