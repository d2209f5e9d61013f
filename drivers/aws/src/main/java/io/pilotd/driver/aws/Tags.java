package io.pilotd.driver.aws;

import io.pilotd.driver.api.DriverParameters;
import java.util.LinkedHashMap;
import java.util.Map;

/** The tags pilotd puts on every resource, and the checks on the ones a queue adds. */
final class Tags {
    static final String DIRECTOR = "pilotd:director";
    static final String QUEUE = "pilotd:queue";
    static final String BATCH = "pilotd:batch";
    static final String STAMP = "pilotd:stamp";

    private Tags() {
    }

    static Map<String, String> check(DriverParameters p, String name, Map<String, String> tags) {
        tags.forEach((key, value) -> {
            if (key.startsWith("pilotd:") || key.startsWith("aws:")) {
                p.problem(name + "." + key, "the prefixes pilotd: and aws: are reserved");
            } else if (key.length() > 128 || value.length() > 256) {
                p.problem(name + "." + key, "AWS allows keys of 128 and values of 256 characters at most");
            }
        });
        return tags;
    }

    static Map<String, String> of(String directorId, String queue, String batchId, Map<String, String> extra) {
        Map<String, String> tags = new LinkedHashMap<>(extra);
        tags.put(DIRECTOR, directorId);
        tags.put(QUEUE, queue);
        tags.put(BATCH, batchId);
        return tags;
    }
}
