package io.pilotd.driver.aws;

import io.pilotd.driver.api.Pace;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Paces API calls per account and region, below the rates AWS publishes, so that many queues
 * on one account do not throttle each other: a {@link Pace} per account, region and kind of
 * call, shared by every driver of that account in this director.
 *
 * <p>Rates (calls per second, burst): EC2 describe calls as EC2's published non-mutating request
 * bucket (20, 100); EC2 mutating calls such as RunInstances and TerminateInstances (5, 50), kept
 * well under EC2's mutating buckets because they also draw on its per-instance resource buckets;
 * AWS Batch SubmitJob at its published 50 a second (50, 50), its other calls (20, 40);
 * CloudWatch Logs GetLogEvents (10, 10).
 */
final class Pacer implements ExecutionInterceptor {
    static final Pacer NONE = new Pacer(null);

    private final String account;

    private Pacer(String account) {
        this.account = account;
    }

    static Pacer forAccount(AwsSettings settings) {
        return new Pacer(settings.accountKey());
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (account == null) {
            return;
        }
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        String kind = kind(service, operation);
        if (kind == null) {
            return;
        }
        try {
            pace(account + "|" + kind, kind).take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw AbortedException.builder().message("interrupted while pacing " + operation).build();
        }
    }

    private static String kind(String service, String operation) {
        if ("EC2".equalsIgnoreCase(service)) {
            return operation.startsWith("Describe") || operation.startsWith("Get") ? "ec2-describe" : "ec2-mutate";
        }
        if ("Batch".equalsIgnoreCase(service)) {
            return "SubmitJob".equals(operation) ? "batch-submit" : "batch-other";
        }
        if ("CloudWatchLogs".equalsIgnoreCase(service)) {
            return "logs";
        }
        return null;
    }

    private static Pace pace(String key, String kind) {
        return switch (kind) {
            case "ec2-describe" -> Pace.of(key, 100, 20);
            case "ec2-mutate" -> Pace.of(key, 50, 5);
            case "batch-submit" -> Pace.of(key, 50, 50);
            case "batch-other" -> Pace.of(key, 40, 20);
            default -> Pace.of(key, 10, 10);
        };
    }
}
