package io.pilotd.driver.aws;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Builds SDK clients the same way for every service: the account's credentials, a time-out on
 * every call, the SDK's adaptive retry (back-off and client-side rate limiting when AWS
 * throttles), and the shared {@link Pacer} so that pilotd does not cause the throttling.
 *
 * <p>A client for a call without an idempotency token (Batch's SubmitJob) retries only what
 * was throttled: a retried time-out or 5xx could start a second array job.
 */
final class AwsClients {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** AWS's longest role session; a role's own maximum may be shorter (1 h by default). */
    static final Duration MAX_ROLE_SESSION = Duration.ofHours(12);
    private static final Duration MIN_ROLE_SESSION = Duration.ofHours(1);

    private AwsClients() {
    }

    static AwsCredentialsProvider credentials(AwsSettings settings) {
        return credentials(settings, MIN_ROLE_SESSION);
    }

    /**
     * @param session how long an assumed role's credentials must stay valid: presigned URLs
     *                signed with them die with them
     */
    static AwsCredentialsProvider credentials(AwsSettings settings, Duration session) {
        AwsCredentialsProvider base = settings.profile()
                .<AwsCredentialsProvider>map(ProfileCredentialsProvider::create)
                .orElseGet(() -> DefaultCredentialsProvider.builder().build());
        if (settings.roleArn().isEmpty()) {
            return base;
        }
        StsClient sts = configure(StsClient.builder(), settings, base, Pacer.NONE).build();
        return StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(r -> {
                    long seconds = Math.max(MIN_ROLE_SESSION.toSeconds(), Math.min(MAX_ROLE_SESSION.toSeconds(), session.toSeconds()));
                    r.roleArn(settings.roleArn().get()).roleSessionName("pilotd").durationSeconds((int) seconds);
                    settings.externalId().ifPresent(r::externalId);
                })
                .build();
    }

    /** Which failures the SDK may retry by itself. */
    enum Retries {
        /** Every transient failure: for reads, and for creates that carry an idempotency token. */
        TRANSIENT,
        /** Only throttling, which AWS answers before acting. */
        THROTTLING_ONLY
    }

    static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(
            B builder, AwsSettings settings, AwsCredentialsProvider credentials, Pacer pacer) {
        return configure(builder, settings, credentials, pacer, Retries.TRANSIENT);
    }

    static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(
            B builder, AwsSettings settings, AwsCredentialsProvider credentials, Pacer pacer, Retries retries) {
        RetryStrategy strategy = retries == Retries.TRANSIENT
                ? AwsRetryStrategy.adaptiveRetryStrategy().toBuilder().maxAttempts(settings.maxAttempts()).build()
                : DefaultRetryStrategy.adaptiveStrategyBuilder().maxAttempts(settings.maxAttempts())
                        .retryOnException(AwsErrors::isThrottling).treatAsThrottling(AwsErrors::isThrottling)
                        .useClientDefaults(false).build();
        builder.region(settings.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(settings.apiTimeout()))
                .overrideConfiguration(o -> o
                        .apiCallTimeout(settings.apiTimeout())
                        .retryStrategy(strategy)
                        .addExecutionInterceptor(pacer));
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder;
    }
}
