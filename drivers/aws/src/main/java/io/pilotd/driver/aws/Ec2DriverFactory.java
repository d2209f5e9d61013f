package io.pilotd.driver.aws;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
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
        AwsCredentialsProvider credentials = AwsClients.credentials(config.aws());
        Pacer pacer = Pacer.forAccount(config.aws());
        Ec2Client ec2 = AwsClients.configure(Ec2Client.builder(), config.aws(), credentials, pacer).build();
        // RunInstances is never re-sent by the SDK: an EC2-compatible cloud may ignore its ClientToken,
        // and a re-send there starts a second set; the look-up asks by the batch's tag first.
        Ec2Client runs = AwsClients.configure(Ec2Client.builder(), config.aws(), credentials, pacer,
                AwsClients.Retries.THROTTLING_ONLY).build();
        return new Ec2Driver(config, context, ec2, runs);
    }
}
