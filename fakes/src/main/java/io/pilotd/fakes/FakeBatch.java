package io.pilotd.fakes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AWS Batch's REST-JSON API over an in-memory set of jobs; array children are addressed as
 * {@code id:i}. As in Batch, DescribeJobs and ListJobs show a job only once the listing lag has
 * passed, and TerminateJob cannot find one before.
 */
public final class FakeBatch {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FINAL = Set.of("SUCCEEDED", "FAILED");

    /** One job, or one child of an array job. */
    public static final class Job {
        public final String id;
        public final JsonNode submit;
        public final int arraySize;
        public final Integer index;
        public final Instant createdAt;
        volatile String status = "SUBMITTED";
        volatile String statusReason;
        volatile Long startedAt;
        volatile Integer exitCode;

        Job(String id, JsonNode submit, int arraySize, Integer index, Instant createdAt) {
            this.id = id;
            this.submit = submit;
            this.arraySize = arraySize;
            this.index = index;
            this.createdAt = createdAt;
        }

        public String name() {
            return submit.path("jobName").asText();
        }

        public String status() {
            return status;
        }

        /** A job that runs a pilot: a plain job, or a child of an array. */
        public boolean isPilot() {
            return arraySize == 0;
        }

        public boolean isFinal() {
            return FINAL.contains(status);
        }
    }

    private final CloudBehaviour behaviour;
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    /** ListJobs returns at most this many per page. */
    public volatile int pageSize = 100;

    FakeBatch(CloudBehaviour behaviour) {
        this.behaviour = behaviour;
    }

    public static JsonNode tree(String body) {
        try {
            return JSON.readTree(body.isEmpty() ? "{}" : body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every job and child that really exists, listed or not. */
    public synchronized List<Job> jobs() {
        return List.copyOf(jobs.values());
    }

    public synchronized Job job(String id) {
        return jobs.get(id);
    }

    public synchronized void set(String jobId, String status, Long startedAt, String reason, Integer exitCode) {
        Job job = jobs.get(jobId);
        job.status = status;
        job.startedAt = startedAt;
        job.statusReason = reason;
        job.exitCode = exitCode;
    }

    private boolean listed(Job job) {
        return behaviour.listed(job.createdAt);
    }

    synchronized FakeAws.Reply handle(String operation, String body) {
        JsonNode request = tree(body);
        return switch (operation) {
            case "submitjob" -> submit(request);
            case "describejobs" -> describe(request);
            case "listjobs" -> list(request);
            case "terminatejob" -> terminate(request);
            default -> FakeAws.batchError(400, "ClientException", "unknown operation " + operation);
        };
    }

    private FakeAws.Reply submit(JsonNode request) {
        String id = "job-" + FakeAws.IDS.incrementAndGet();
        int size = request.path("arrayProperties").path("size").asInt(0);
        Instant now = behaviour.clock().instant();
        jobs.put(id, new Job(id, request, size, null, now));
        for (int i = 0; i < size; i++) {
            jobs.put(id + ":" + i, new Job(id + ":" + i, request, 0, i, now));
        }
        return FakeAws.Reply.json("{\"jobId\":\"" + id + "\",\"jobName\":\"" + request.path("jobName").asText()
                + "\",\"jobArn\":\"arn:aws:batch:eu-central-1:123456789012:job/" + id + "\"}");
    }

    private FakeAws.Reply describe(JsonNode request) {
        if (request.path("jobs").size() > 100) {
            return FakeAws.batchError(400, "ClientException", "at most 100 jobs per DescribeJobs");
        }
        ArrayNode out = JSON.createArrayNode();
        for (JsonNode id : request.path("jobs")) {
            Job job = jobs.get(id.asText());
            if (job != null && listed(job)) {
                out.add(detail(job));
            }
        }
        ObjectNode response = JSON.createObjectNode();
        response.set("jobs", out);
        return FakeAws.Reply.json(response.toString());
    }

    /** An array's status follows its children's, as in Batch. */
    private String status(Job job) {
        if (job.arraySize == 0) {
            return job.status;
        }
        boolean allFinal = true;
        boolean allSucceeded = true;
        boolean anyStarted = false;
        for (int i = 0; i < job.arraySize; i++) {
            Job child = jobs.get(job.id + ":" + i);
            allFinal &= child.isFinal();
            allSucceeded &= "SUCCEEDED".equals(child.status);
            anyStarted |= "RUNNING".equals(child.status) || "STARTING".equals(child.status);
        }
        if (allFinal) {
            return allSucceeded ? "SUCCEEDED" : "FAILED";
        }
        return anyStarted ? "RUNNING" : "PENDING";
    }

    private ObjectNode detail(Job job) {
        ObjectNode d = JSON.createObjectNode();
        d.put("jobId", job.id);
        d.put("jobName", job.name());
        d.put("jobQueue", job.submit.path("jobQueue").asText());
        d.put("jobDefinition", job.submit.path("jobDefinition").asText());
        d.put("status", status(job));
        d.put("createdAt", job.createdAt.toEpochMilli());
        if (job.statusReason != null) {
            d.put("statusReason", job.statusReason);
        }
        if (job.startedAt != null) {
            d.put("startedAt", job.startedAt);
        }
        d.set("tags", job.submit.path("tags"));
        d.set("timeout", job.submit.path("timeout"));
        ObjectNode container = d.putObject("container");
        container.set("environment", job.submit.path("containerOverrides").path("environment"));
        container.put("logStreamName", "pilot/default/" + job.id.replace(':', '-'));
        if (job.exitCode != null) {
            container.put("exitCode", job.exitCode);
        }
        if (job.index != null) {
            d.putObject("arrayProperties").put("index", job.index);
        } else if (job.arraySize > 0) {
            d.putObject("arrayProperties").put("size", job.arraySize);
        }
        return d;
    }

    /**
     * As Batch: with a filter (one only), jobs of every status, newest first; without, the jobs
     * of one status ({@code RUNNING} when none is given). Array children are never listed here.
     */
    private FakeAws.Reply list(JsonNode request) {
        if (request.path("filters").size() > 1) {
            return FakeAws.batchError(400, "ClientException", "Only one filter can be used at a time");
        }
        String pattern = null;
        for (JsonNode filter : request.path("filters")) {
            if (!"JOB_NAME".equals(filter.path("name").asText())) {
                return FakeAws.batchError(400, "ClientException", "the fake knows only the JOB_NAME filter");
            }
            pattern = filter.path("values").get(0).asText().toLowerCase();
        }
        String wantedStatus = request.hasNonNull("jobStatus") ? request.path("jobStatus").asText() : "RUNNING";
        List<Job> parents = new ArrayList<>();
        for (Job job : jobs.values()) {
            if (job.index != null || !listed(job)) {
                continue;
            }
            String name = job.name().toLowerCase();
            boolean match = pattern == null ? status(job).equals(wantedStatus)
                    : pattern.endsWith("*") ? name.startsWith(pattern.substring(0, pattern.length() - 1)) : name.equals(pattern);
            if (match) {
                parents.add(job);
            }
        }
        if (pattern != null) {
            Collections.reverse(parents);
        }
        int max = Math.min(pageSize, request.path("maxResults").asInt(pageSize));
        int from = request.hasNonNull("nextToken") ? Integer.parseInt(request.path("nextToken").asText()) : 0;
        int to = Math.min(parents.size(), from + max);
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("jobSummaryList");
        for (Job job : parents.subList(from, to)) {
            ObjectNode summary = list.addObject().put("jobId", job.id).put("jobName", job.name())
                    .put("status", status(job)).put("createdAt", job.createdAt.toEpochMilli());
            if (job.arraySize > 0) {
                summary.putObject("arrayProperties").put("size", job.arraySize);
            }
        }
        if (to < parents.size()) {
            response.put("nextToken", Integer.toString(to));
        }
        return FakeAws.Reply.json(response.toString());
    }

    private FakeAws.Reply terminate(JsonNode request) {
        String id = request.path("jobId").asText();
        Job job = jobs.get(id);
        if (job == null || !listed(job)) {
            return FakeAws.batchError(400, "ClientException", "Job " + id + " not found");
        }
        List<String> ids = new ArrayList<>(List.of(id));
        for (int i = 0; i < job.arraySize; i++) {
            ids.add(id + ":" + i);
        }
        for (String each : ids) {
            Job j = jobs.get(each);
            if (!j.isFinal()) {
                j.status = "FAILED";
                j.statusReason = request.path("reason").asText();
            }
        }
        return FakeAws.Reply.json("{}");
    }
}
