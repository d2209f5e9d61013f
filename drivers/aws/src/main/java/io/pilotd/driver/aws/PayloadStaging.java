package io.pilotd.driver.aws;

import io.pilotd.driver.api.DriverException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Puts a payload that does not fit in a request into S3, as a file of {@code export NAME='value'}
 * lines that the container's bootstrap sources, and returns a presigned URL to it. One object
 * per batch and chunk ({@code <prefix><batch>/<offset>.env}), deleted when the batch has ended.
 *
 * <p>A presigned URL is valid for the configured expiry, but never longer than the credentials
 * that signed it: with an assumed role, the role session (the driver asks for one as long as the
 * expiry, up to the role's maximum session of at most 12 h); with an instance or task role, until
 * AWS rotates those credentials (a few hours). A pilot that starts later cannot fetch its payload.
 */
final class PayloadStaging implements AutoCloseable {
    /** The variable in which a container finds the URL of its staged payload. */
    static final String URL_VARIABLE = "PILOTD_PAYLOAD_URL";

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

    private String key(String batchId, int offset) {
        return prefix + batchId + "/" + offset + ".env";
    }

    String stage(String batchId, int offset, Map<String, String> environment) throws DriverException {
        String key = key(batchId, offset);
        StringBuilder file = new StringBuilder();
        environment.forEach((name, value) ->
                file.append("export ").append(name).append("='").append(value.replace("'", "'\\''")).append("'\n"));
        AwsCall.change("staging the payload in s3://" + bucket + "/" + key, () -> s3.putObject(
                r -> r.bucket(bucket).key(key).contentType("text/plain"), RequestBody.fromString(file.toString(), StandardCharsets.UTF_8)));
        return AwsCall.read("presigning s3://" + bucket + "/" + key, () -> presigner.presignGetObject(
                r -> r.signatureDuration(expiry).getObjectRequest(g -> g.bucket(bucket).key(key))).url().toString());
    }

    void delete(String batchId, int offset) throws DriverException {
        String key = key(batchId, offset);
        AwsCall.change("deleting s3://" + bucket + "/" + key, () -> s3.deleteObject(r -> r.bucket(bucket).key(key)));
    }

    @Override
    public void close() {
        s3.close();
        presigner.close();
    }
}
