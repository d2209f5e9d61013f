package io.pilotd.driver.aws;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** {@code driver: ec2}: pilots as EC2 instances. */
public final class Ec2DriverFactory implements PilotDriverFactory {
    @Override
    public String name() {
        return "ec2";
    }

    @Override
    public PilotDriver create(DriverParameters parameters, DriverContext context) throws InvalidParametersException {
        Ec2Config config = Ec2Config.from(parameters);
        Ec2Client ec2 = AwsClients.configure(Ec2Client.builder(), config.aws(), AwsClients.credentials(config.aws()),
                Pacer.forAccount(config.aws())).build();
        return new Ec2Driver(config, context, ec2);
    }
}
