package io.pilotd.driver.aws;

import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.InstanceStateName;
import software.amazon.awssdk.services.ec2.model.MarketType;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.RunInstancesResponse;
import software.amazon.awssdk.services.ec2.model.ShutdownBehavior;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * Pilots as EC2 instances booted with cloud-init: {@code n} pilots are one RunInstances, whose
 * ClientToken (the batch id) makes a retried call start no second set. Each instance's stamp is
 * the one at its launch index; instances are found again by tag, in bulk, never one call per
 * pilot.
 */
final class Ec2Driver implements PilotDriver {
    /** EC2's limit on user-data, before base64. */
    static final int USER_DATA_LIMIT = 16 * 1024;
    private static final int TERMINATE_CHUNK = 1000;
    private static final String SCHEME = "ec2://";

    private final Ec2Config config;
    private final DriverContext context;
    private final Ec2Client ec2;
    private final Clock clock;

    Ec2Driver(Ec2Config config, DriverContext context, Ec2Client ec2, Clock clock) {
        this.config = config;
        this.context = context;
        this.ec2 = ec2;
        this.clock = clock;
    }

    @Override
    public Map<String, String> submit(PilotRequest request) throws DriverException {
        String userData = userData(request.payload().userData());
        int n = request.count();
        Map<String, String> tags = Tags.of(context.directorId(), context.queue(), request.batchId(), config.tags());
        List<Tag> instanceTags = new ArrayList<>(tags(tags));
        instanceTags.add(Tag.builder().key("Name").value("pilotd-" + context.queue()).build());
        RunInstancesRequest.Builder run = RunInstancesRequest.builder()
                .imageId(config.image())
                .instanceType(config.instanceType())
                .minCount(config.allOrNothing() ? n : 1)
                .maxCount(n)
                .clientToken(request.batchId())
                .instanceInitiatedShutdownBehavior(ShutdownBehavior.TERMINATE)
                .metadataOptions(m -> m.httpTokens("required"))
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE).tags(instanceTags).build(),
                        TagSpecification.builder().resourceType(ResourceType.VOLUME).tags(tags(tags)).build());
        if (!userData.isEmpty()) {
            run.userData(userData);
        }
        config.subnet().ifPresent(run::subnetId);
        if (!config.securityGroups().isEmpty()) {
            run.securityGroupIds(config.securityGroups());
        }
        config.keyName().ifPresent(run::keyName);
        config.instanceProfile().ifPresent(profile -> run.iamInstanceProfile(p -> {
            if (profile.startsWith("arn:")) {
                p.arn(profile);
            } else {
                p.name(profile);
            }
        }));
        if (config.spot()) {
            run.instanceMarketOptions(m -> m.marketType(MarketType.SPOT)
                    .spotOptions(s -> s.spotInstanceType("one-time").instanceInterruptionBehavior("terminate")));
        }
        config.volumeSize().ifPresent(size -> run.blockDeviceMappings(b -> b.deviceName(config.rootDevice())
                .ebs(e -> e.volumeSize(size).deleteOnTermination(true))));
        RunInstancesResponse response;
        try {
            response = ec2.runInstances(run.build());
        } catch (SdkException e) {
            throw AwsErrors.map("RunInstances", e);
        }
        Map<String, String> jobRefs = new LinkedHashMap<>();
        boolean derived = request.stamps().equals(BatchStamps.stamps(request.batchId(), n));
        for (Instance instance : response.instances()) {
            String stamp = request.stamps().get(instance.amiLaunchIndex());
            jobRefs.put(stamp, jobRef(instance.instanceId()));
            if (!derived) {
                tagStamp(instance.instanceId(), stamp);
            }
        }
        return jobRefs;
    }

    /** Stamps not derived from the batch id cannot be found from the launch index: tag each. */
    private void tagStamp(String instanceId, String stamp) throws DriverException {
        try {
            ec2.createTags(r -> r.resources(instanceId).tags(Tag.builder().key(Tags.STAMP).value(stamp).build()));
        } catch (SdkException e) {
            throw AwsErrors.map("CreateTags " + instanceId, e);
        }
    }

    /** Base64 user-data, gzipped when it would not fit (cloud-init reads both). */
    static String userData(String text) throws DriverException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > USER_DATA_LIMIT) {
            bytes = gzip(bytes);
            if (bytes.length > USER_DATA_LIMIT) {
                throw new DriverException("the user-data is " + bytes.length + " bytes gzipped, over EC2's "
                        + USER_DATA_LIMIT + "-byte limit");
            }
        }
        return bytes.length == 0 ? "" : Base64.getEncoder().encodeToString(bytes);
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("gzip in memory failed", e);
        }
        return out.toByteArray();
    }

    private static List<Tag> tags(Map<String, String> tags) {
        return tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    private String jobRef(String instanceId) {
        return SCHEME + config.aws().region().id() + "/" + instanceId;
    }

    private static Optional<String> instanceId(String jobRef) {
        if (!jobRef.startsWith(SCHEME)) {
            return Optional.empty();
        }
        String id = jobRef.substring(jobRef.lastIndexOf('/') + 1);
        return id.startsWith("i-") ? Optional.of(id) : Optional.empty();
    }

    /** Every instance carrying this tag, all pages of DescribeInstances. */
    private List<Instance> instances(String tag, String value) throws DriverException {
        List<Instance> instances = new ArrayList<>();
        try {
            String token = null;
            do {
                DescribeInstancesResponse page = ec2.describeInstances(DescribeInstancesRequest.builder()
                        .filters(Filter.builder().name("tag:" + tag).values(value).build())
                        .maxResults(1000).nextToken(token).build());
                for (Reservation reservation : page.reservations()) {
                    instances.addAll(reservation.instances());
                }
                token = page.nextToken();
            } while (token != null && !token.isEmpty());
        } catch (SdkException e) {
            throw AwsErrors.map("DescribeInstances", e);
        }
        return instances;
    }

    @Override
    public Map<String, PilotState> status(List<String> jobRefs) throws DriverException {
        Map<String, String> byInstance = new LinkedHashMap<>();
        jobRefs.forEach(jobRef -> instanceId(jobRef).ifPresent(id -> byInstance.put(id, jobRef)));
        Map<String, PilotState> states = new LinkedHashMap<>();
        List<String> expired = new ArrayList<>();
        Instant oldest = clock.instant().minus(config.maxLifetime());
        for (Instance instance : instances(Tags.QUEUE, context.queue())) {
            String jobRef = byInstance.get(instance.instanceId());
            if (jobRef == null) {
                continue;
            }
            PilotState state = state(instance);
            if (!state.status().isFinal() && instance.launchTime() != null && instance.launchTime().isBefore(oldest)) {
                expired.add(instance.instanceId());
                state = PilotState.of(PilotStatus.Deleted, "terminated: older than maxLifetime "
                        + config.maxLifetime().toHours() + "h");
            }
            states.put(jobRef, state);
        }
        terminate(expired);
        return states;
    }

    static PilotState state(Instance instance) {
        InstanceStateName name = instance.state().name();
        String code = instance.stateReason() == null ? "" : instance.stateReason().code();
        String reason = name + (instance.stateReason() == null ? "" : ": " + instance.stateReason().message());
        return switch (name) {
            case PENDING -> PilotState.of(PilotStatus.Scheduled, reason);
            case RUNNING -> PilotState.of(PilotStatus.Running, reason);
            case SHUTTING_DOWN, TERMINATED, STOPPING, STOPPED -> {
                if ("Client.InstanceInitiatedShutdown".equals(code)) {
                    yield PilotState.of(PilotStatus.Done, reason);
                }
                if ("Client.UserInitiatedShutdown".equals(code)) {
                    yield PilotState.of(PilotStatus.Deleted, reason);
                }
                yield PilotState.of(PilotStatus.Failed, reason);
            }
            default -> PilotState.of(PilotStatus.Unknown, reason);
        };
    }

    @Override
    public void kill(List<String> jobRefs) throws DriverException {
        terminate(jobRefs.stream().map(Ec2Driver::instanceId).flatMap(Optional::stream).toList());
    }

    private void terminate(List<String> instanceIds) throws DriverException {
        for (int i = 0; i < instanceIds.size(); i += TERMINATE_CHUNK) {
            List<String> chunk = instanceIds.subList(i, Math.min(instanceIds.size(), i + TERMINATE_CHUNK));
            try {
                ec2.terminateInstances(r -> r.instanceIds(chunk));
            } catch (SdkException e) {
                if (!"InvalidInstanceID.NotFound".equals(AwsErrors.code(e))) {
                    throw AwsErrors.map("TerminateInstances", e);
                }
                // One id is gone already, which fails the whole call: the others one by one.
                for (String id : chunk) {
                    terminateOne(id);
                }
            }
        }
    }

    private void terminateOne(String instanceId) throws DriverException {
        try {
            ec2.terminateInstances(r -> r.instanceIds(instanceId));
        } catch (SdkException e) {
            if (!"InvalidInstanceID.NotFound".equals(AwsErrors.code(e))) {
                throw AwsErrors.map("TerminateInstances " + instanceId, e);
            }
        }
    }

    @Override
    public Optional<String> output(String jobRef) throws DriverException {
        Optional<String> id = instanceId(jobRef);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        try {
            String output = ec2.getConsoleOutput(r -> r.instanceId(id.get())).output();
            return Optional.ofNullable(output).map(o -> new String(Base64.getMimeDecoder().decode(o), StandardCharsets.UTF_8));
        } catch (SdkException e) {
            throw AwsErrors.map("GetConsoleOutput " + id.get(), e);
        }
    }

    @Override
    public List<OwnedPilot> listOwned(String directorId) throws DriverException {
        List<OwnedPilot> owned = new ArrayList<>();
        for (Instance instance : instances(Tags.DIRECTOR, directorId)) {
            Map<String, String> tags = new LinkedHashMap<>();
            instance.tags().forEach(t -> tags.put(t.key(), t.value()));
            String stamp = tags.get(Tags.STAMP);
            if (stamp == null && tags.containsKey(Tags.BATCH) && instance.amiLaunchIndex() != null) {
                stamp = BatchStamps.stamp(tags.get(Tags.BATCH), instance.amiLaunchIndex());
            }
            if (stamp != null) {
                owned.add(new OwnedPilot(stamp, jobRef(instance.instanceId()), state(instance)));
            }
        }
        return owned;
    }

    @Override
    public void close() {
        ec2.close();
    }
}
