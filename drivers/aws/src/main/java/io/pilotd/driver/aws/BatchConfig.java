package io.pilotd.driver.aws;

import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code driver: aws-batch} parameters.
 *
 * @param jobQueue      the Batch job queue (name or ARN)
 * @param jobDefinition the job definition (name, name:revision or ARN); its command runs the
 *                      pilot bootstrap
 * @param vcpus         vCPU override per pilot (none: the definition's)
 * @param memoryMiB     memory override per pilot in MiB (none: the definition's)
 * @param logGroup      where the job definition's awslogs driver writes, for {@code pilotd logs}
 * @param stagingBucket an S3 bucket for stamps that do not fit in SubmitJob's 30 KiB
 */
record BatchConfig(AwsSettings aws, String jobQueue, String jobDefinition, Optional<Integer> vcpus,
                   Optional<Integer> memoryMiB, Map<String, String> tags, String logGroup,
                   Optional<String> stagingBucket, String stagingPrefix, Duration stagingUrlExpiry) {

    static BatchConfig from(DriverParameters p) throws InvalidParametersException {
        AwsSettings aws = AwsSettings.from(p);
        String jobQueue = p.requireString("jobQueue");
        String jobDefinition = p.requireString("jobDefinition");
        Optional<Integer> vcpus = optionalPositive(p, "vcpus", 256);
        Optional<Integer> memory = optionalPositive(p, "memoryMiB", 4_000_000);
        p.moved("jobTimeout", "the queue's limits.maxLifetime (every job carries it as its Batch timeout)");
        Map<String, String> tags = Tags.check(p, "tags", p.optionalStringMap("tags"));
        String logGroup = p.optionalString("logGroup").orElse("/aws/batch/job");
        Optional<String> bucket = p.optionalString("stagingBucket");
        bucket.filter(b -> !b.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"))
                .ifPresent(b -> p.problem("stagingBucket", "'" + b + "' is not an S3 bucket name"));
        String prefix = p.optionalString("stagingPrefix").orElse("pilotd/");
        Duration expiry = p.optionalDuration("stagingUrlExpiry")
                .orElse(aws.roleArn().isPresent() ? AwsClients.MAX_ROLE_SESSION : Duration.ofDays(1));
        if (expiry.compareTo(Duration.ofDays(7)) > 0 || expiry.toSeconds() < 60) {
            p.problem("stagingUrlExpiry", "must be between 1m and 7d (S3's limit for a presigned URL)");
        } else if (bucket.isPresent() && aws.roleArn().isPresent() && expiry.compareTo(AwsClients.MAX_ROLE_SESSION) > 0) {
            p.problem("stagingUrlExpiry", "must be at most 12h with roleArn: a presigned URL dies with the role"
                    + " session that signed it, and a role session lasts 12h at most");
        }
        p.validate();
        return new BatchConfig(aws, jobQueue, jobDefinition, vcpus, memory, tags, logGroup, bucket, prefix, expiry);
    }

    private static Optional<Integer> optionalPositive(DriverParameters p, String name, int max) {
        int value = p.optionalInt(name, 0, 0, max);
        return value == 0 ? Optional.empty() : Optional.of(value);
    }

    /** The queue's name, also when it is given as an ARN: what jobRefs carry. */
    String jobQueueName() {
        int slash = jobQueue.lastIndexOf('/');
        return slash < 0 ? jobQueue : jobQueue.substring(slash + 1);
    }
}
