package io.pilotd.driver.aws;

import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotDriverFactory;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/** {@code driver: aws-batch}: pilots as AWS Batch array jobs. */
public final class BatchDriverFactory implements PilotDriverFactory {
    @Override
    public String name() {
        return "aws-batch";
    }

    @Override
    public PilotDriver create(DriverParameters parameters, DriverContext context) throws InvalidParametersException {
        BatchConfig config = BatchConfig.from(parameters);
        AwsSettings aws = config.aws();
        AwsCredentialsProvider credentials = AwsClients.credentials(aws,
                config.stagingBucket().isPresent() ? config.stagingUrlExpiry() : Duration.ZERO);
        Pacer pacer = Pacer.forAccount(aws);
        BatchClient batch = AwsClients.configure(BatchClient.builder(), aws, credentials, pacer).build();
        BatchClient submitter = AwsClients.configure(BatchClient.builder(), aws, credentials, pacer,
                AwsClients.Retries.THROTTLING_ONLY).build();
        CloudWatchLogsClient logs = AwsClients.configure(CloudWatchLogsClient.builder(), aws, credentials, pacer).build();
        PayloadStaging staging = config.stagingBucket().map(bucket -> {
            // An endpoint override is an emulator or a fake: address buckets by path there.
            boolean pathStyle = aws.endpoint().isPresent();
            // A plain body: the SDK's default streaming checksum trailer is refused by some S3-compatible stores.
            S3Client s3 = AwsClients.configure(S3Client.builder(), aws, credentials, pacer).forcePathStyle(pathStyle)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED).build();
            S3Presigner.Builder presigner = S3Presigner.builder().region(aws.region()).credentialsProvider(credentials)
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
            aws.endpoint().ifPresent(presigner::endpointOverride);
            return new PayloadStaging(s3, presigner.build(), bucket, config.stagingPrefix(), config.stagingUrlExpiry());
        }).orElse(null);
        return new BatchDriver(config, context, batch, submitter, logs, staging);
    }
}
