package io.pilotd.driver.aws;

import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ContainerDetail;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.KeyValuesPair;
import software.amazon.awssdk.services.batch.model.ListJobsRequest;
import software.amazon.awssdk.services.batch.model.ListJobsResponse;
import software.amazon.awssdk.services.batch.model.ResourceRequirement;
import software.amazon.awssdk.services.batch.model.ResourceType;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;
import software.amazon.awssdk.services.batch.model.SubmitJobResponse;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.GetLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;

/**
 * Pilots as AWS Batch jobs: {@code n} pilots are one array job of size {@code n} (a plain job
 * when {@code n = 1}), started by one SubmitJob. A child finds its stamp from the batch id in
 * its environment and its {@code AWS_BATCH_JOB_ARRAY_INDEX} ({@link BatchStamps}), so the
 * request's size does not grow with {@code n}.
 */
final class BatchDriver implements PilotDriver {
    static final int MAX_ARRAY = 10_000;
    static final int DESCRIBE_LIMIT = 100;
    /** SubmitJob's published request limit. */
    static final int REQUEST_LIMIT = 30 * 1024;
    private static final int OUTPUT_EVENTS = 10_000;

    private final BatchConfig config;
    private final DriverContext context;
    private final BatchClient batch;
    private final CloudWatchLogsClient logs;
    private final PayloadStaging staging;

    BatchDriver(BatchConfig config, DriverContext context, BatchClient batch, CloudWatchLogsClient logs,
                PayloadStaging staging) {
        this.config = config;
        this.context = context;
        this.batch = batch;
        this.logs = logs;
        this.staging = staging;
    }

    /** Job names carry the director's id, so that listOwned finds its jobs with one ListJobs filter. */
    private String jobNamePrefix() {
        return "pilotd-" + context.directorId().replaceAll("[^A-Za-z0-9_-]", "_") + "-";
    }

    @Override
    public Map<String, String> submit(PilotRequest request) throws DriverException {
        Map<String, String> jobRefs = new LinkedHashMap<>();
        List<String> stamps = request.stamps();
        for (int offset = 0; offset < stamps.size(); offset += MAX_ARRAY) {
            List<String> chunk = stamps.subList(offset, Math.min(stamps.size(), offset + MAX_ARRAY));
            try {
                jobRefs.putAll(submitChunk(request, chunk, offset));
            } catch (DriverException e) {
                if (jobRefs.isEmpty()) {
                    throw e;
                }
                break;
            }
        }
        return jobRefs;
    }

    private Map<String, String> submitChunk(PilotRequest request, List<String> stamps, int offset) throws DriverException {
        Map<String, String> env = environment(request, stamps, offset);
        SubmitJobRequest submit = request(request, stamps, env);
        int size = RequestSize.of(submit);
        if (size > REQUEST_LIMIT) {
            if (staging == null) {
                throw new DriverException("the submission is " + size + " bytes, over AWS Batch's " + REQUEST_LIMIT
                        + "-byte SubmitJob limit: set stagingBucket so that the payload travels through S3");
            }
            Map<String, String> small = new LinkedHashMap<>();
            small.put("PILOTD_BATCH", request.batchId());
            small.put("PILOTD_STAMP_OFFSET", Integer.toString(offset));
            small.put("PILOTD_PAYLOAD_URL", staging.stage(request.batchId(), env));
            submit = request(request, stamps, small);
            size = RequestSize.of(submit);
            if (size > REQUEST_LIMIT) {
                throw new DriverException("the submission is " + size + " bytes even with its payload in S3, over the "
                        + REQUEST_LIMIT + "-byte SubmitJob limit: fewer or shorter tags");
            }
        }
        SubmitJobResponse response;
        try {
            response = batch.submitJob(submit);
        } catch (SdkException e) {
            throw AwsErrors.map("SubmitJob", e);
        }
        Map<String, String> jobRefs = new LinkedHashMap<>();
        if (stamps.size() == 1) {
            jobRefs.put(stamps.get(0), jobRef(response.jobId()));
        } else {
            for (int i = 0; i < stamps.size(); i++) {
                jobRefs.put(stamps.get(i), jobRef(response.jobId() + ":" + i));
            }
        }
        return jobRefs;
    }

    private static Map<String, String> environment(PilotRequest request, List<String> stamps, int offset) {
        Map<String, String> env = new LinkedHashMap<>(request.payload().environment());
        env.put("PILOTD_BATCH", request.batchId());
        env.put("PILOTD_STAMP_OFFSET", Integer.toString(offset));
        if (stamps.size() == 1) {
            env.put(PilotPayload.STAMP_VARIABLE, stamps.get(0));
        }
        if (!request.payload().bootstrap().isEmpty()) {
            // The job definition's command runs it: sh -c 'echo "$PILOTD_BOOTSTRAP" | base64 -d | gunzip | sh'
            env.put("PILOTD_BOOTSTRAP", Base64.getEncoder().encodeToString(Ec2Driver.gzip(
                    request.payload().bootstrap().getBytes(StandardCharsets.UTF_8))));
        }
        return env;
    }

    private SubmitJobRequest request(PilotRequest request, List<String> stamps, Map<String, String> env) {
        List<ResourceRequirement> resources = new ArrayList<>();
        config.vcpus().ifPresent(v -> resources.add(ResourceRequirement.builder().type(ResourceType.VCPU).value(v.toString()).build()));
        config.memoryMiB().ifPresent(m -> resources.add(ResourceRequirement.builder().type(ResourceType.MEMORY).value(m.toString()).build()));
        SubmitJobRequest.Builder submit = SubmitJobRequest.builder()
                .jobName(jobNamePrefix() + stamps.get(0))
                .jobQueue(config.jobQueue())
                .jobDefinition(config.jobDefinition())
                .tags(Tags.of(context.directorId(), context.queue(), request.batchId(), config.tags()))
                .timeout(t -> t.attemptDurationSeconds((int) config.jobTimeout().toSeconds()))
                .containerOverrides(c -> c
                        .environment(env.entrySet().stream()
                                .map(e -> KeyValuePair.builder().name(e.getKey()).value(e.getValue()).build()).toList())
                        .resourceRequirements(resources));
        if (stamps.size() > 1) {
            submit.arrayProperties(a -> a.size(stamps.size()));
        }
        return submit.build();
    }

    private String jobRef(String jobId) {
        return BatchJobRef.of(config.aws().region().id(), config.jobQueueName(), jobId).toString();
    }

    @Override
    public Map<String, PilotState> status(List<String> jobRefs) throws DriverException {
        Map<String, String> byJobId = new LinkedHashMap<>();
        for (String jobRef : jobRefs) {
            BatchJobRef.parse(jobRef).ifPresent(ref -> byJobId.put(ref.jobId(), jobRef));
        }
        Map<String, PilotState> states = new LinkedHashMap<>();
        for (JobDetail job : describe(new ArrayList<>(byJobId.keySet()))) {
            String jobRef = byJobId.get(job.jobId());
            if (jobRef != null) {
                states.put(jobRef, state(job));
            }
        }
        return states;
    }

    private List<JobDetail> describe(List<String> jobIds) throws DriverException {
        List<JobDetail> jobs = new ArrayList<>();
        for (int i = 0; i < jobIds.size(); i += DESCRIBE_LIMIT) {
            List<String> chunk = jobIds.subList(i, Math.min(jobIds.size(), i + DESCRIBE_LIMIT));
            try {
                jobs.addAll(batch.describeJobs(r -> r.jobs(chunk)).jobs());
            } catch (SdkException e) {
                throw AwsErrors.map("DescribeJobs", e);
            }
        }
        return jobs;
    }

    static PilotState state(JobDetail job) {
        String reason = reason(job);
        return switch (job.status()) {
            case SUBMITTED, PENDING, RUNNABLE -> PilotState.of(PilotStatus.Waiting, reason);
            case STARTING -> PilotState.of(PilotStatus.Scheduled, reason);
            case RUNNING -> PilotState.of(PilotStatus.Running, reason);
            case SUCCEEDED -> PilotState.of(PilotStatus.Done, reason);
            case FAILED -> PilotState.of(job.startedAt() == null ? PilotStatus.Aborted : PilotStatus.Failed, reason);
            default -> PilotState.of(PilotStatus.Unknown, "AWS Batch status " + job.statusAsString());
        };
    }

    private static String reason(JobDetail job) {
        StringBuilder reason = new StringBuilder(job.statusAsString());
        if (job.statusReason() != null) {
            reason.append(": ").append(job.statusReason());
        }
        ContainerDetail container = job.container();
        if (container != null && container.exitCode() != null) {
            reason.append(" (exit code ").append(container.exitCode());
            if (container.reason() != null) {
                reason.append(", ").append(container.reason());
            }
            reason.append(')');
        }
        return reason.toString();
    }

    /**
     * TerminateJob, which also cancels a job that has not started. An array job whose every
     * child is to die is terminated with one call on its parent, not one per child.
     */
    @Override
    public void kill(List<String> jobRefs) throws DriverException {
        Map<String, List<String>> childrenByParent = new LinkedHashMap<>();
        List<String> jobIds = new ArrayList<>();
        for (String jobRef : jobRefs) {
            BatchJobRef.parse(jobRef).map(BatchJobRef::jobId).ifPresent(id -> {
                int colon = id.indexOf(':');
                if (colon < 0) {
                    jobIds.add(id);
                } else {
                    childrenByParent.computeIfAbsent(id.substring(0, colon), p -> new ArrayList<>()).add(id);
                }
            });
        }
        if (!childrenByParent.isEmpty()) {
            for (JobDetail parent : describe(new ArrayList<>(childrenByParent.keySet()))) {
                List<String> children = childrenByParent.get(parent.jobId());
                Integer size = parent.arrayProperties() == null ? null : parent.arrayProperties().size();
                if (size != null && children.size() == size) {
                    childrenByParent.put(parent.jobId(), List.of(parent.jobId()));
                }
            }
            childrenByParent.values().forEach(jobIds::addAll);
        }
        for (String jobId : jobIds) {
            try {
                batch.terminateJob(r -> r.jobId(jobId).reason("killed by pilotd"));
            } catch (SdkException e) {
                if (!"ClientException".equals(AwsErrors.code(e))) {
                    throw AwsErrors.map("TerminateJob " + jobId, e);
                }
            }
        }
    }

    @Override
    public Optional<String> output(String jobRef) throws DriverException {
        Optional<BatchJobRef> ref = BatchJobRef.parse(jobRef);
        if (ref.isEmpty()) {
            return Optional.empty();
        }
        List<JobDetail> jobs = describe(List.of(ref.get().jobId()));
        if (jobs.isEmpty() || jobs.get(0).container() == null || jobs.get(0).container().logStreamName() == null) {
            return Optional.empty();
        }
        String stream = jobs.get(0).container().logStreamName();
        StringBuilder text = new StringBuilder();
        try {
            String token = null;
            int events = 0;
            while (events < OUTPUT_EVENTS) {
                String next = token;
                GetLogEventsResponse page = logs.getLogEvents(r -> r.logGroupName(config.logGroup())
                        .logStreamName(stream).startFromHead(true).nextToken(next));
                for (OutputLogEvent event : page.events()) {
                    text.append(event.message()).append('\n');
                }
                events += page.events().size();
                if (page.events().isEmpty() || page.nextForwardToken() == null || page.nextForwardToken().equals(token)) {
                    break;
                }
                token = page.nextForwardToken();
            }
        } catch (SdkException e) {
            throw AwsErrors.map("GetLogEvents " + config.logGroup() + "/" + stream, e);
        }
        return Optional.of(text.toString());
    }

    @Override
    public List<OwnedPilot> listOwned(String directorId) throws DriverException {
        String prefix = "pilotd-" + directorId.replaceAll("[^A-Za-z0-9_-]", "_") + "-";
        List<String> parents = new ArrayList<>();
        try {
            String token = null;
            do {
                ListJobsRequest.Builder list = ListJobsRequest.builder().jobQueue(config.jobQueue())
                        .filters(KeyValuesPair.builder().name("JOB_NAME").values(prefix + "*").build()).nextToken(token);
                ListJobsResponse page = batch.listJobs(list.build());
                page.jobSummaryList().forEach(job -> parents.add(job.jobId()));
                token = page.nextToken();
            } while (token != null);
        } catch (SdkException e) {
            throw AwsErrors.map("ListJobs", e);
        }
        List<OwnedPilot> owned = new ArrayList<>();
        for (JobDetail job : describe(parents)) {
            String batchId = job.tags().get(Tags.BATCH);
            if (batchId == null || !directorId.equals(job.tags().get(Tags.DIRECTOR))) {
                continue;
            }
            int offset = offset(job);
            if (job.arrayProperties() == null || job.arrayProperties().size() == null) {
                owned.add(new OwnedPilot(BatchStamps.stamp(batchId, offset), jobRef(job.jobId()), state(job)));
                continue;
            }
            List<String> children = new ArrayList<>();
            for (int i = 0; i < job.arrayProperties().size(); i++) {
                children.add(job.jobId() + ":" + i);
            }
            for (JobDetail child : describe(children)) {
                int index = child.arrayProperties() != null && child.arrayProperties().index() != null
                        ? child.arrayProperties().index() : Integer.parseInt(child.jobId().substring(child.jobId().lastIndexOf(':') + 1));
                owned.add(new OwnedPilot(BatchStamps.stamp(batchId, offset + index), jobRef(child.jobId()), state(child)));
            }
        }
        return owned;
    }

    private static int offset(JobDetail job) {
        if (job.container() != null) {
            for (KeyValuePair pair : job.container().environment()) {
                if ("PILOTD_STAMP_OFFSET".equals(pair.name())) {
                    return Integer.parseInt(pair.value());
                }
            }
        }
        return 0;
    }

    @Override
    public void close() {
        batch.close();
        logs.close();
        if (staging != null) {
            staging.close();
        }
    }
}
