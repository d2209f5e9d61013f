package io.pilotd.driver.aws;

import io.pilotd.driver.api.DriverException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Puts a payload that does not fit in a request into S3, as a file of {@code export NAME='value'}
 * lines that the container's bootstrap sources, and returns a presigned URL to it.
 */
final class PayloadStaging implements AutoCloseable {
    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;
    private final String prefix;
    private final Duration expiry;

    PayloadStaging(S3Client s3, S3Presigner presigner, String bucket, String prefix, Duration expiry) {
        this.s3 = s3;
        this.presigner = presigner;
        this.bucket = bucket;
        this.prefix = prefix;
        this.expiry = expiry;
    }

    String stage(String batchId, Map<String, String> environment) throws DriverException {
        String key = prefix + batchId + "/payload.env";
        StringBuilder file = new StringBuilder();
        environment.forEach((name, value) ->
                file.append("export ").append(name).append("='").append(value.replace("'", "'\\''")).append("'\n"));
        try {
            s3.putObject(r -> r.bucket(bucket).key(key).contentType("text/plain"),
                    RequestBody.fromString(file.toString(), StandardCharsets.UTF_8));
            return presigner.presignGetObject(r -> r.signatureDuration(expiry).getObjectRequest(g -> g.bucket(bucket).key(key)))
                    .url().toString();
        } catch (SdkException e) {
            throw AwsErrors.map("staging the payload in s3://" + bucket + "/" + key, e);
        }
    }

    @Override
    public void close() {
        s3.close();
        presigner.close();
    }
}
