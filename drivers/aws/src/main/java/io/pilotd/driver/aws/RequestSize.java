package io.pilotd.driver.aws;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import software.amazon.awssdk.services.batch.model.KeyValuePair;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;

/**
 * An upper bound on a SubmitJob request's JSON body, to refuse one over the limit before the
 * call: every string with its escapes and its share of punctuation, plus a margin for the rest.
 */
final class RequestSize {
    private static final int FIXED = 1024;
    private static final int PER_PAIR = 32;

    private RequestSize() {
    }

    static int of(SubmitJobRequest request) {
        long size = FIXED + json(request.jobName()) + json(request.jobQueue()) + json(request.jobDefinition());
        for (Map.Entry<String, String> tag : request.tags().entrySet()) {
            size += json(tag.getKey()) + json(tag.getValue()) + PER_PAIR;
        }
        if (request.containerOverrides() != null) {
            for (KeyValuePair pair : request.containerOverrides().environment()) {
                size += json(pair.name()) + json(pair.value()) + PER_PAIR;
            }
            size += (long) request.containerOverrides().resourceRequirements().size() * 64;
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    private static long json(String text) {
        if (text == null) {
            return 0;
        }
        long size = text.getBytes(StandardCharsets.UTF_8).length + 2;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                size += 1;
            } else if (c < 0x20) {
                size += 5;
            }
        }
        return size;
    }
}
