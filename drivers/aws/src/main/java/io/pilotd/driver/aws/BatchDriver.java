package io.pilotd.driver.aws;

import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.ContainerDetail;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobStatus;
import software.amazon.awssdk.services.batch.model.JobSummary;
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
 *
 * <p>SubmitJob has no idempotency token, so it is never repeated after a lost answer: the job's
 * name ({@code pilotd-<director>-<first stamp>}) is deterministic, and {@link #lookUp} finds it
 * by that name. Batch's listings lag behind a submit, hence the consistency window.
 */
final class BatchDriver implements PilotDriver {
    private static final Logger log = LoggerFactory.getLogger(BatchDriver.class);
    static final int MAX_ARRAY = 10_000;
    static final int DESCRIBE_LIMIT = 100;
    /** SubmitJob's published request limit. */
    static final int REQUEST_LIMIT = 30 * 1024;
    static final Duration CONSISTENCY_WINDOW = Duration.ofMinutes(10);
    /** The statuses of a job that has not ended: what listOwned lists, never the account's history. */
    private static final List<JobStatus> LIVE = List.of(JobStatus.SUBMITTED, JobStatus.PENDING, JobStatus.RUNNABLE,
            JobStatus.STARTING, JobStatus.RUNNING);
    private static final int LIST_PAGE = 1000;
    private static final int OUTPUT_EVENTS = 10_000;

    private final BatchConfig config;
    private final DriverContext context;
    private final BatchClient batch;
    private final BatchClient submitter;
    private final CloudWatchLogsClient logs;
    private final PayloadStaging staging;

    /**
     * @param submitter a client whose retries repeat only throttled calls: SubmitJob's
     */
    BatchDriver(BatchConfig config, DriverContext context, BatchClient batch, BatchClient submitter,
                CloudWatchLogsClient logs, PayloadStaging staging) {
        this.config = config;
        this.context = context;
        this.batch = batch;
        this.submitter = submitter;
        this.logs = logs;
        this.staging = staging;
    }

    /** Job names carry the director's id, so that a director's jobs are told from others' by name. */
    private static String jobNamePrefix(String directorId) {
        return "pilotd-" + directorId.replaceAll("[^A-Za-z0-9_-]", "_") + "-";
    }

    private static String jobName(String directorId, List<String> chunk) {
        return jobNamePrefix(directorId) + chunk.get(0);
    }

    private static List<List<String>> chunks(List<String> stamps) {
        List<List<String>> chunks = new ArrayList<>();
        for (int offset = 0; offset < stamps.size(); offset += MAX_ARRAY) {
            chunks.add(stamps.subList(offset, Math.min(stamps.size(), offset + MAX_ARRAY)));
        }
        return chunks;
    }

    /**
     * One SubmitJob per 10,000 pilots. A later chunk refused or throttled leaves the earlier
     * ones started (the rest is returned as not started); a lost answer anywhere is thrown, and
     * {@link #lookUp} finds every chunk by its name.
     */
    @Override
    public Map<String, String> submit(PilotRequest request) throws DriverException {
        Map<String, String> jobRefs = new LinkedHashMap<>();
        int offset = 0;
        for (List<String> chunk : chunks(request.stamps())) {
            try {
                jobRefs.putAll(submitChunk(request, chunk, offset));
            } catch (OutcomeUnknownException e) {
                throw e;
            } catch (DriverException e) {
                if (jobRefs.isEmpty()) {
                    throw e;
                }
                break;
            }
            offset += chunk.size();
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
            small.put(PayloadStaging.URL_VARIABLE, staging.stage(request.batchId(), offset, env));
            submit = request(request, stamps, small);
            size = RequestSize.of(submit);
            if (size > REQUEST_LIMIT) {
                throw new DriverException("the submission is " + size + " bytes even with its payload in S3, over the "
                        + REQUEST_LIMIT + "-byte SubmitJob limit: fewer or shorter tags");
            }
        }
        SubmitJobRequest call = submit;
        SubmitJobResponse response = AwsCall.changeRetriedWhenThrottled("SubmitJob", () -> submitter.submitJob(call));
        return jobRefs(stamps, response.jobId());
    }

    private Map<String, String> jobRefs(List<String> stamps, String jobId) {
        Map<String, String> jobRefs = new LinkedHashMap<>();
        if (stamps.size() == 1) {
            jobRefs.put(stamps.get(0), jobRef(jobId));
        } else {
            for (int i = 0; i < stamps.size(); i++) {
                jobRefs.put(stamps.get(i), jobRef(jobId + ":" + i));
            }
        }
        return jobRefs;
    }

    /**
     * Finds each chunk's job by its exact name (ListJobs' JOB_NAME filter, every status). Definite
     * once every chunk is found; a chunk not listed yet may still show up.
     */
    @Override
    public BatchLookup lookUp(PilotRequest request, String directorId) throws DriverException {
        Map<String, String> found = new LinkedHashMap<>();
        boolean all = true;
        for (List<String> chunk : chunks(request.stamps())) {
            String name = jobName(directorId, chunk);
            ListJobsResponse page = AwsCall.read("ListJobs " + name, () -> batch.listJobs(r -> r.jobQueue(config.jobQueue())
                    .filters(KeyValuesPair.builder().name("JOB_NAME").values(name).build())));
            Optional<JobSummary> job = page.jobSummaryList().stream().filter(j -> name.equals(j.jobName())).findFirst();
            if (job.isPresent()) {
                found.putAll(jobRefs(chunk, job.get().jobId()));
            } else {
                all = false;
            }
        }
        return new BatchLookup(found, all);
    }

    private static Map<String, String> environment(PilotRequest request, List<String> stamps, int offset) {
        Map<String, String> env = new LinkedHashMap<>(request.payload().fullEnvironment());
        env.put("PILOTD_BATCH", request.batchId());
        env.put("PILOTD_STAMP_OFFSET", Integer.toString(offset));
        if (stamps.size() == 1) {
            env.put(PilotPayload.STAMP_VARIABLE, stamps.get(0));
        }
        if (!request.payload().wrapper().isEmpty()) {
            env.put(PilotPayload.WRAPPER_VARIABLE, Base64.getEncoder().encodeToString(Ec2Driver.gzip(
                    request.payload().wrapper().getBytes(StandardCharsets.UTF_8))));
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
                .jobName(jobName(context.directorId(), stamps))
                .jobQueue(config.jobQueue())
                .jobDefinition(config.jobDefinition())
                .tags(Tags.of(context.directorId(), context.queue(), request.batchId(), config.tags()))
                .timeout(t -> t.attemptDurationSeconds((int) Math.max(60, request.maxLifetime().toSeconds())))
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
        List<JobDetail> jobs = describe(new ArrayList<>(byJobId.keySet()));
        for (JobDetail job : jobs) {
            String jobRef = byJobId.get(job.jobId());
            if (jobRef != null) {
                states.put(jobRef, state(job));
            }
        }
        if (staging != null) {
            deleteStagedPayloadsOfEndedBatches(byJobId.keySet(), jobs);
        }
        return states;
    }

    /**
     * A staged payload is needed until the batch's last pilot has started; it is deleted once
     * every pilot of its job that the director still follows is seen ended (the director asks
     * for all the live ones, so none is left to start).
     */
    private void deleteStagedPayloadsOfEndedBatches(Set<String> asked, List<JobDetail> jobs) {
        Map<String, List<JobDetail>> byParent = new LinkedHashMap<>();
        for (JobDetail job : jobs) {
            byParent.computeIfAbsent(parent(job.jobId()), p -> new ArrayList<>()).add(job);
        }
        Map<String, Long> askedPerParent = new LinkedHashMap<>();
        asked.forEach(id -> askedPerParent.merge(parent(id), 1L, Long::sum));
        byParent.forEach((parent, children) -> {
            boolean ended = children.size() == askedPerParent.getOrDefault(parent, 0L)
                    && children.stream().allMatch(j -> state(j).status().isFinal());
            Map<String, String> env = environment(children.get(0));
            if (ended && env.containsKey(PayloadStaging.URL_VARIABLE)) {
                try {
                    staging.delete(env.get("PILOTD_BATCH"), Integer.parseInt(env.getOrDefault("PILOTD_STAMP_OFFSET", "0")));
                } catch (DriverException e) {
                    log.warn("[{}] the staged payload of job {} stays in S3 for now: {}", context.queue(), parent, e.getMessage());
                }
            }
        });
    }

    private static String parent(String jobId) {
        int colon = jobId.indexOf(':');
        return colon < 0 ? jobId : jobId.substring(0, colon);
    }

    private static Map<String, String> environment(JobDetail job) {
        Map<String, String> env = new LinkedHashMap<>();
        if (job.container() != null) {
            job.container().environment().forEach(pair -> env.put(pair.name(), pair.value()));
        }
        return env;
    }

    private List<JobDetail> describe(List<String> jobIds) throws DriverException {
        List<JobDetail> jobs = new ArrayList<>();
        for (int i = 0; i < jobIds.size(); i += DESCRIBE_LIMIT) {
            List<String> chunk = jobIds.subList(i, Math.min(jobIds.size(), i + DESCRIBE_LIMIT));
            jobs.addAll(AwsCall.read("DescribeJobs", () -> batch.describeJobs(r -> r.jobs(chunk)).jobs()));
        }
        return jobs;
    }

    static PilotState state(JobDetail job) {
        String reason = reason(job);
        if (job.status() == null) {
            return PilotState.of(PilotStatus.Unknown, "AWS Batch status " + job.statusAsString());
        }
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
                if (id.indexOf(':') < 0) {
                    jobIds.add(id);
                } else {
                    childrenByParent.computeIfAbsent(parent(id), p -> new ArrayList<>()).add(id);
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
            } catch (RuntimeException e) {
                // A job Batch does not know (ended and forgotten) is gone already.
                if (!"ClientException".equals(AwsErrors.code(e))) {
                    throw AwsErrors.map("TerminateJob " + jobId, e, true);
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
        String token = null;
        int events = 0;
        while (events < OUTPUT_EVENTS) {
            String next = token;
            GetLogEventsResponse page = AwsCall.read("GetLogEvents " + config.logGroup() + "/" + stream,
                    () -> logs.getLogEvents(r -> r.logGroupName(config.logGroup()).logStreamName(stream)
                            .startFromHead(true).nextToken(next)));
            for (OutputLogEvent event : page.events()) {
                text.append(event.message()).append('\n');
            }
            events += page.events().size();
            if (page.events().isEmpty() || page.nextForwardToken() == null || page.nextForwardToken().equals(token)) {
                break;
            }
            token = page.nextForwardToken();
        }
        return Optional.of(text.toString());
    }

    /**
     * The job queue's live jobs (one ListJobs per live status, never the filter, which would
     * return the whole history), kept when their name carries the director, then described in
     * hundreds: the parents for their tags, an array's children for their states.
     */
    @Override
    public List<OwnedPilot> listOwned(String directorId) throws DriverException {
        String prefix = jobNamePrefix(directorId);
        Set<String> parents = new LinkedHashSet<>();
        for (JobStatus status : LIVE) {
            String token = null;
            do {
                ListJobsRequest list = ListJobsRequest.builder().jobQueue(config.jobQueue()).jobStatus(status)
                        .maxResults(LIST_PAGE).nextToken(token).build();
                ListJobsResponse page = AwsCall.read("ListJobs " + status, () -> batch.listJobs(list));
                page.jobSummaryList().stream().filter(j -> j.jobName() != null && j.jobName().startsWith(prefix))
                        .forEach(j -> parents.add(j.jobId()));
                token = page.nextToken();
            } while (token != null);
        }
        List<OwnedPilot> owned = new ArrayList<>();
        for (JobDetail job : describe(new ArrayList<>(parents))) {
            String batchId = job.tags().get(Tags.BATCH);
            if (batchId == null || !directorId.equals(job.tags().get(Tags.DIRECTOR))) {
                continue;
            }
            Map<String, String> env = environment(job);
            int offset = Integer.parseInt(env.getOrDefault("PILOTD_STAMP_OFFSET", "0"));
            if (job.arrayProperties() == null || job.arrayProperties().size() == null) {
                // A single job carries its stamp, which its requester may have chosen (the serverless endpoint).
                owned.add(owned(env.getOrDefault(PilotPayload.STAMP_VARIABLE, BatchStamps.stamp(batchId, offset)), job));
                continue;
            }
            List<String> children = new ArrayList<>();
            for (int i = 0; i < job.arrayProperties().size(); i++) {
                children.add(job.jobId() + ":" + i);
            }
            for (JobDetail child : describe(children)) {
                int index = child.arrayProperties() != null && child.arrayProperties().index() != null
                        ? child.arrayProperties().index()
                        : Integer.parseInt(child.jobId().substring(child.jobId().lastIndexOf(':') + 1));
                OwnedPilot pilot = owned(BatchStamps.stamp(batchId, offset + index), child);
                if (!pilot.state().status().isFinal()) {
                    owned.add(pilot);
                }
            }
        }
        return owned;
    }

    private OwnedPilot owned(String stamp, JobDetail job) {
        Instant created = job.createdAt() == null ? null : Instant.ofEpochMilli(job.createdAt());
        return new OwnedPilot(stamp, jobRef(job.jobId()), state(job), created);
    }

    @Override
    public Optional<String> nativeId(String jobRef) {
        return BatchJobRef.parse(jobRef).map(BatchJobRef::jobId);
    }

    @Override
    public Duration consistencyWindow() {
        return CONSISTENCY_WINDOW;
    }

    @Override
    public void close() {
        batch.close();
        submitter.close();
        logs.close();
        if (staging != null) {
            staging.close();
        }
    }
}
