package io.pilotd.driver.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** AWS Batch's REST-JSON API over an in-memory set of jobs; array children are addressed as {@code id:i}. */
final class FakeBatch {
    static final ObjectMapper JSON = new ObjectMapper();

    /** One job, or one child of an array job. */
    static final class Job {
        final String id;
        final JsonNode submit;
        final int arraySize;
        final Integer index;
        volatile String status = "SUBMITTED";
        volatile String statusReason;
        volatile Long startedAt;
        volatile Integer exitCode;

        Job(String id, JsonNode submit, int arraySize, Integer index) {
            this.id = id;
            this.submit = submit;
            this.arraySize = arraySize;
            this.index = index;
        }
    }

    final Map<String, Job> jobs = new LinkedHashMap<>();
    /** ListJobs returns this many per page. */
    int pageSize = 100;

    static JsonNode tree(String body) {
        try {
            return JSON.readTree(body.isEmpty() ? "{}" : body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void set(String jobId, String status, Long startedAt, String reason, Integer exitCode) {
        Job job = jobs.get(jobId);
        job.status = status;
        job.startedAt = startedAt;
        job.statusReason = reason;
        job.exitCode = exitCode;
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
        jobs.put(id, new Job(id, request, size, null));
        for (int i = 0; i < size; i++) {
            jobs.put(id + ":" + i, new Job(id + ":" + i, request, 0, i));
        }
        return FakeAws.Reply.json("{\"jobId\":\"" + id + "\",\"jobName\":\"" + request.path("jobName").asText()
                + "\",\"jobArn\":\"arn:aws:batch:eu-central-1:123456789012:job/" + id + "\"}");
    }

    private FakeAws.Reply describe(JsonNode request) {
        ArrayNode out = JSON.createArrayNode();
        for (JsonNode id : request.path("jobs")) {
            Job job = jobs.get(id.asText());
            if (job != null) {
                out.add(detail(job));
            }
        }
        ObjectNode response = JSON.createObjectNode();
        response.set("jobs", out);
        return FakeAws.Reply.json(response.toString());
    }

    private ObjectNode detail(Job job) {
        ObjectNode d = JSON.createObjectNode();
        d.put("jobId", job.id);
        d.put("jobName", job.submit.path("jobName").asText());
        d.put("jobQueue", job.submit.path("jobQueue").asText());
        d.put("jobDefinition", job.submit.path("jobDefinition").asText());
        d.put("status", job.status);
        d.put("createdAt", 1);
        if (job.statusReason != null) {
            d.put("statusReason", job.statusReason);
        }
        if (job.startedAt != null) {
            d.put("startedAt", job.startedAt);
        }
        d.set("tags", job.submit.path("tags"));
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

    private FakeAws.Reply list(JsonNode request) {
        String pattern = "";
        for (JsonNode filter : request.path("filters")) {
            if ("JOB_NAME".equals(filter.path("name").asText())) {
                pattern = filter.path("values").get(0).asText();
            }
        }
        String prefix = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
        List<Job> parents = new ArrayList<>();
        for (Job job : jobs.values()) {
            if (job.index == null && job.submit.path("jobName").asText().startsWith(prefix)) {
                parents.add(job);
            }
        }
        int from = request.hasNonNull("nextToken") ? Integer.parseInt(request.path("nextToken").asText()) : 0;
        int to = Math.min(parents.size(), from + pageSize);
        ObjectNode response = JSON.createObjectNode();
        ArrayNode list = response.putArray("jobSummaryList");
        for (Job job : parents.subList(from, to)) {
            list.addObject().put("jobId", job.id).put("jobName", job.submit.path("jobName").asText()).put("status", job.status);
        }
        if (to < parents.size()) {
            response.put("nextToken", Integer.toString(to));
        }
        return FakeAws.Reply.json(response.toString());
    }

    private FakeAws.Reply terminate(JsonNode request) {
        String id = request.path("jobId").asText();
        List<String> ids = new ArrayList<>(Arrays.asList(id));
        Job job = jobs.get(id);
        if (job == null) {
            return FakeAws.batchError(400, "ClientException", "Job " + id + " not found");
        }
        for (int i = 0; i < job.arraySize; i++) {
            ids.add(id + ":" + i);
        }
        for (String each : ids) {
            Job j = jobs.get(each);
            if (!"SUCCEEDED".equals(j.status) && !"FAILED".equals(j.status)) {
                j.status = "FAILED";
                j.statusReason = request.path("reason").asText();
            }
        }
        return FakeAws.Reply.json("{}");
    }
}
