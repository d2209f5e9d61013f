package io.pilotd.driver.aws;

import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.ExitStatus;
import io.pilotd.driver.api.Durations;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;
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
 * ClientToken (the batch id) makes a repeated call start no second set: the SDK's retries and
 * {@link #lookUp} re-send it, and EC2 answers with the reservation it made. Each instance's stamp
 * is the one at its launch index; instances are found again by id and tag, in bulk, never one
 * call per pilot.
 */
final class Ec2Driver implements PilotDriver {
    /** EC2's limit on user-data, before base64. */
    static final int USER_DATA_LIMIT = 16 * 1024;
    /** EC2's limit on the values of one filter. */
    static final int FILTER_VALUES = 200;
    static final Duration CONSISTENCY_WINDOW = Duration.ofMinutes(10);
    private static final int TERMINATE_CHUNK = 1000;
    private static final String SCHEME = "ec2://";
    /** Not shutting down or terminated: what listOwned lists, not the last hour's dead. */
    private static final List<String> LIVE_STATES = List.of("pending", "running", "stopping", "stopped");

    private final Ec2Config config;
    private final DriverContext context;
    private final Ec2Client ec2;
    /** The client of RunInstances, which only retries throttling (answered before EC2 acts). */
    private final Ec2Client runs;
    /** VMs seen powered off whose pilot's exit status has not reached the console yet, since when. */
    private final Map<String, Instant> awaitingStatus = new ConcurrentHashMap<>();

    Ec2Driver(Ec2Config config, DriverContext context, Ec2Client ec2, Ec2Client runs) {
        this.config = config;
        this.context = context;
        this.ec2 = ec2;
        this.runs = runs;
    }

    @Override
    public Map<String, String> submit(PilotRequest request) throws DriverException {
        RunInstancesRequest run = runRequest(request, context.directorId());
        RunInstancesResponse response = AwsCall.change("RunInstances", () -> runs.runInstances(run));
        return started(request, response.instances());
    }

    /**
     * Asks for the batch's instances by its tag first, and adopts what exists: an EC2-compatible
     * cloud may ignore the ClientToken, where a re-send would start a second set. Only when none
     * is listed is the RunInstances re-sent, with its ClientToken: EC2 answers with the
     * reservation it made, or makes it now if the first call never arrived (its rows were counted
     * all along). A token EC2 reports as used with other parameters leaves the tag's answer.
     */
    @Override
    public BatchLookup lookUp(PilotRequest request, String directorId) throws DriverException {
        List<Instance> tagged = instances("looking up batch " + request.batchId(),
                Filter.builder().name("tag:" + Tags.DIRECTOR).values(directorId).build(),
                Filter.builder().name("tag:" + Tags.BATCH).values(request.batchId()).build());
        Map<String, String> found = started(request, tagged);
        if (!found.isEmpty()) {
            return new BatchLookup(found, found.size() == request.count());
        }
        RunInstancesRequest run = runRequest(request, directorId);
        try {
            return new BatchLookup(started(request, runs.runInstances(run).instances()), true);
        } catch (RuntimeException e) {
            if (!"IdempotentParameterMismatch".equals(AwsErrors.code(e))) {
                throw AwsErrors.mapRetried("RunInstances (looking up batch " + request.batchId() + ")", e);
            }
        }
        return new BatchLookup(found, false);
    }

    private RunInstancesRequest runRequest(PilotRequest request, String directorId) throws DriverException {
        String userData = userData(request.payload().userData());
        int n = request.count();
        Map<String, String> tags = Tags.of(directorId, context.queue(), request.batchId(), config.tags());
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
        return run.build();
    }

    /** Each instance's stamp is the request's stamp at its launch index. */
    private Map<String, String> started(PilotRequest request, List<Instance> instances) throws DriverException {
        Map<String, String> jobRefs = new LinkedHashMap<>();
        boolean derived = request.stamps().equals(BatchStamps.stamps(request.batchId(), request.count()));
        for (Instance instance : instances) {
            if (instance.amiLaunchIndex() == null || instance.amiLaunchIndex() >= request.count()) {
                continue;
            }
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
        AwsCall.change("CreateTags " + instanceId,
                () -> ec2.createTags(r -> r.resources(instanceId).tags(Tag.builder().key(Tags.STAMP).value(stamp).build())));
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

    @Override
    public Optional<String> nativeId(String jobRef) {
        return instanceId(jobRef);
    }

    private static Optional<String> instanceId(String jobRef) {
        if (!jobRef.startsWith(SCHEME)) {
            return Optional.empty();
        }
        String id = jobRef.substring(jobRef.lastIndexOf('/') + 1);
        return id.startsWith("i-") ? Optional.of(id) : Optional.empty();
    }

    /** Every instance matching all these filters, all pages of DescribeInstances. */
    private List<Instance> instances(String what, Filter... filters) throws DriverException {
        List<Instance> instances = new ArrayList<>();
        String token = null;
        do {
            DescribeInstancesRequest describe = DescribeInstancesRequest.builder().filters(filters)
                    .maxResults(1000).nextToken(token).build();
            DescribeInstancesResponse page = AwsCall.read("DescribeInstances (" + what + ")", () -> ec2.describeInstances(describe));
            for (Reservation reservation : page.reservations()) {
                instances.addAll(reservation.instances());
            }
            token = page.nextToken();
        } while (token != null && !token.isEmpty());
        return instances;
    }

    /**
     * One DescribeInstances per 200 pilots, by instance id (a filter, which unlike the id list
     * does not fail on an id EC2 does not list yet), the queue and the director: what ended long
     * ago or belongs to another queue is never listed. A stopped instance is terminated: it would
     * hold its volume for ever and never run a pilot again.
     */
    @Override
    public Map<String, PilotState> status(List<String> jobRefs) throws DriverException {
        Map<String, String> byInstance = new LinkedHashMap<>();
        jobRefs.forEach(jobRef -> instanceId(jobRef).ifPresent(id -> byInstance.put(id, jobRef)));
        List<String> ids = new ArrayList<>(byInstance.keySet());
        Map<String, PilotState> states = new LinkedHashMap<>();
        List<String> stopped = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += FILTER_VALUES) {
            List<String> chunk = ids.subList(i, Math.min(ids.size(), i + FILTER_VALUES));
            for (Instance instance : instances("status",
                    Filter.builder().name("instance-id").values(chunk).build(),
                    Filter.builder().name("tag:" + Tags.DIRECTOR).values(context.directorId()).build(),
                    Filter.builder().name("tag:" + Tags.QUEUE).values(context.queue()).build())) {
                PilotState state = state(instance);
                if (poweredItselfOff(instance)) {
                    state = exitStatus(instance.instanceId(), state);
                } else if (instance.state().name() == InstanceStateName.STOPPED) {
                    stopped.add(instance.instanceId());
                    state = PilotState.of(PilotStatus.Failed, state.reason() + "; terminated by pilotd: a stopped pilot VM never resumes");
                }
                states.put(byInstance.get(instance.instanceId()), state);
            }
        }
        terminate(stopped);
        return states;
    }

    private static boolean poweredItselfOff(Instance instance) {
        InstanceStateName name = instance.state().name();
        return (name == InstanceStateName.SHUTTING_DOWN || name == InstanceStateName.TERMINATED)
                && instance.stateReason() != null && "Client.InstanceInitiatedShutdown".equals(instance.stateReason().code());
    }

    /**
     * A VM that powered itself off tells how its pilot ended on its console (the user-data writes
     * the wrapper's exit status there): read once, when it is seen ending. EC2 posts console output
     * late, so a VM whose status is not there yet stays Running for up to {@code consoleWait}.
     */
    private PilotState exitStatus(String instanceId, PilotState ended) throws DriverException {
        OptionalInt status = ExitStatus.in(console(instanceId, true));
        if (status.isPresent()) {
            awaitingStatus.remove(instanceId);
            return status.getAsInt() == 0
                    ? PilotState.of(PilotStatus.Done, ended.reason() + "; the pilot exited with status 0")
                    : PilotState.of(PilotStatus.Failed, ended.reason() + "; the pilot exited with status " + status.getAsInt());
        }
        Instant first = awaitingStatus.computeIfAbsent(instanceId, id -> Instant.now());
        if (Duration.between(first, Instant.now()).compareTo(config.consoleWait()) < 0) {
            return PilotState.of(PilotStatus.Running, ended.reason() + "; its pilot's exit status is not on the console yet");
        }
        awaitingStatus.remove(instanceId);
        return PilotState.of(PilotStatus.Failed, ended.reason() + "; no exit status of its pilot on the console after "
                + Durations.format(config.consoleWait()));
    }

    /** The console, the latest (Nitro) when EC2 has it, else as last posted. */
    private String console(String instanceId, boolean latest) throws DriverException {
        try {
            String output = ec2.getConsoleOutput(r -> r.instanceId(instanceId).latest(latest)).output();
            return output == null ? "" : new String(Base64.getMimeDecoder().decode(output), StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            if (latest && "UnsupportedOperation".equals(AwsErrors.code(e))) {
                return console(instanceId, false);
            }
            throw AwsErrors.map("GetConsoleOutput " + instanceId, e, false);
        }
    }

    static PilotState state(Instance instance) {
        InstanceStateName name = instance.state().name();
        String code = instance.stateReason() == null ? "" : instance.stateReason().code();
        String reason = name + (instance.stateReason() == null ? "" : ": " + instance.stateReason().message());
        if (name == null) {
            return PilotState.of(PilotStatus.Unknown, reason);
        }
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
            } catch (RuntimeException e) {
                if (!"InvalidInstanceID.NotFound".equals(AwsErrors.code(e))) {
                    throw AwsErrors.map("TerminateInstances", e, true);
                }
                // One id is gone already (or not listed yet), which fails the whole call: the others one by one.
                for (String id : chunk) {
                    terminateOne(id);
                }
            }
        }
    }

    private void terminateOne(String instanceId) throws DriverException {
        try {
            ec2.terminateInstances(r -> r.instanceIds(instanceId));
        } catch (RuntimeException e) {
            if (!"InvalidInstanceID.NotFound".equals(AwsErrors.code(e))) {
                throw AwsErrors.map("TerminateInstances " + instanceId, e, true);
            }
        }
    }

    @Override
    public Optional<String> output(String jobRef) throws DriverException {
        Optional<String> id = instanceId(jobRef);
        if (id.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(console(id.get(), true));
    }

    @Override
    public List<OwnedPilot> listOwned(String directorId) throws DriverException {
        List<OwnedPilot> owned = new ArrayList<>();
        for (Instance instance : instances("owned by " + directorId,
                Filter.builder().name("tag:" + Tags.DIRECTOR).values(directorId).build(),
                Filter.builder().name("instance-state-name").values(LIVE_STATES).build())) {
            Map<String, String> tags = new LinkedHashMap<>();
            instance.tags().forEach(t -> tags.put(t.key(), t.value()));
            String stamp = tags.get(Tags.STAMP);
            if (stamp == null && tags.containsKey(Tags.BATCH) && instance.amiLaunchIndex() != null) {
                stamp = BatchStamps.stamp(tags.get(Tags.BATCH), instance.amiLaunchIndex());
            }
            if (stamp != null) {
                owned.add(new OwnedPilot(stamp, jobRef(instance.instanceId()), state(instance), instance.launchTime()));
            }
        }
        return owned;
    }

    @Override
    public Duration consistencyWindow() {
        return CONSISTENCY_WINDOW;
    }

    @Override
    public void close() {
        ec2.close();
        runs.close();
    }
}
