package io.pilotd.driver.aws;

import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Builds SDK clients the same way for every service: the account's credentials, a time-out on
 * every call, the SDK's adaptive retry (back-off and client-side rate limiting when AWS
 * throttles), and the shared {@link Pacer} so that pilotd does not cause the throttling.
 */
final class AwsClients {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private AwsClients() {
    }

    static AwsCredentialsProvider credentials(AwsSettings settings) {
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
                    r.roleArn(settings.roleArn().get()).roleSessionName("pilotd");
                    settings.externalId().ifPresent(r::externalId);
                })
                .build();
    }

    static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B configure(
            B builder, AwsSettings settings, AwsCredentialsProvider credentials, Pacer pacer) {
        builder.region(settings.region())
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(settings.apiTimeout()))
                .overrideConfiguration(o -> o
                        .apiCallTimeout(settings.apiTimeout())
                        .retryStrategy(AwsRetryStrategy.adaptiveRetryStrategy().toBuilder()
                                .maxAttempts(settings.maxAttempts()).build())
                        .addExecutionInterceptor(pacer));
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder;
    }
}
