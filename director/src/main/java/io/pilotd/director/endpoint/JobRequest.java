package io.pilotd.director.endpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * What {@code POST /submitjob} carries: the query's queue and job name, and the body's proxy and
 * wrapper, decoded. Every refusal is a 400 that names the field, never its content: a body holds
 * a proxy.
 */
record JobRequest(String queue, String jobName, String proxyPem, String wrapper) {
    /** A job name goes into URLs, logs and a cloud's resource names. */
    static final Pattern JOB_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    /** The stamps pilotd gives, and DIRAC's: a job name of this form becomes the pilot's stamp. */
    static final Pattern STAMP = Pattern.compile("[0-9a-f]{32}");

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build());

    static String queue(String queue) throws ApiError {
        if (queue == null || queue.isEmpty()) {
            throw new ApiError(400, "the query has no queue: POST /submitjob?queue=<queue>&job_name=<name>");
        }
        return queue;
    }

    static String jobName(String jobName) throws ApiError {
        if (jobName == null || jobName.isEmpty()) {
            throw new ApiError(400, "the query has no job_name: POST /submitjob?queue=<queue>&job_name=<name>");
        }
        if (!JOB_NAME.matcher(jobName).matches()) {
            throw new ApiError(400, "job_name must be 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return jobName;
    }

    static JobRequest parse(String queue, String jobName, byte[] body) throws ApiError {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            // Jackson's message may quote the body: only where it broke is said.
            throw new ApiError(400, "the body is not JSON in UTF-8 (at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + "): send {\"proxyFileEncoded\": <base64>, \"wrapperFileEncoded\": <base64>}");
        } catch (IOException e) {
            throw new ApiError(400, "the body cannot be read: " + e.getClass().getSimpleName());
        }
        if (root == null || !root.isObject()) {
            throw new ApiError(400, "the body must be a JSON object: {\"proxyFileEncoded\": <base64>, \"wrapperFileEncoded\": <base64>}");
        }
        String proxy = new String(decoded(root, "proxyFileEncoded"), StandardCharsets.ISO_8859_1);
        String wrapper;
        try {
            wrapper = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded(root, "wrapperFileEncoded"))).toString();
        } catch (CharacterCodingException e) {
            throw new ApiError(400, "wrapperFileEncoded does not decode to UTF-8 text: a pilot wrapper is a script");
        }
        return new JobRequest(queue, jobName, proxy, wrapper);
    }

    private static byte[] decoded(JsonNode root, String field) throws ApiError {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new ApiError(400, "the body has no " + field);
        }
        if (!node.isTextual() || node.textValue().isEmpty()) {
            throw new ApiError(400, field + " must be a non-empty string of base64");
        }
        try {
            return Base64.getDecoder().decode(node.textValue());
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, field + " is not base64: " + e.getMessage());
        }
    }

    /** The pilot's stamp: the job name when it is one, else one pilotd derives. */
    String stampOrNull() {
        return STAMP.matcher(jobName).matches() ? jobName : null;
    }

    @Override
    public String toString() {
        return "JobRequest[queue=" + queue + ", jobName=" + jobName + ", proxy and wrapper not shown]";
    }
}
