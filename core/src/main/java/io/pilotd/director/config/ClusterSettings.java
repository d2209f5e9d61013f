package io.pilotd.director.config;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.pilotd.driver.api.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The settings every director of a cluster must share, one value per key as a config file
 * names it ({@code queues[lhcb-x].limits.maxRunning} = {@code 50}): the queues, the sites, the
 * demand, what pilotd does with DIRAC and what the pilots are given. What is each host's own is
 * not among them: the director's id, threads and ports, the database connection, the endpoint,
 * and how the host reaches DIRAC's databases (their URLs and credentials: one DIRAC may be
 * reached by another name, or another account, from each host), of which only whether each is
 * set counts.
 */
public final class ClusterSettings {
    private static final ObjectMapper JSON = new ObjectMapper()
            .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
            .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .registerModule(new SimpleModule().addSerializer(Duration.class, new JsonSerializer<>() {
                @Override
                public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                    gen.writeString(Durations.format(value));
                }
            }));

    /** A director whose config differs from the cluster's, which its other directors run with. */
    public static final class DisagreementException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DisagreementException(String message) {
            super(message);
        }
    }

    private ClusterSettings() {
    }

    public static SortedMap<String, String> of(PilotdConfig config) {
        SortedMap<String, String> settings = new TreeMap<>();
        config.queues().forEach(q -> flatten("queues[" + q.name() + "]", JSON.valueToTree(q), settings));
        config.sites().forEach((name, site) -> flatten("sites[" + name + "]", JSON.valueToTree(site), settings));
        flatten("demand", JSON.valueToTree(config.demand()), settings);
        flatten("dirac", JSON.valueToTree(config.dirac()), settings);
        for (String db : List.of("taskQueueDB", "pilotAgentsDB")) {
            boolean set = settings.keySet().removeIf(key -> key.startsWith("dirac." + db + "."));
            if (set) {
                settings.put("dirac." + db, "set");
            }
        }
        flatten("pilot", JSON.valueToTree(config.pilot()), settings);
        flatten("proxy", JSON.valueToTree(config.proxy()), settings);
        return settings;
    }

    private static void flatten(String key, JsonNode node, Map<String, String> into) {
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> flatten(key + "." + field.getKey(), field.getValue(), into));
        } else {
            into.put(key, node.isValueNode() ? node.asText() : node.toString());
        }
    }

    /**
     * Each setting whose value differs, as {@code key: this file's value, the cluster's value}
     * ("not set" where one has none), in key order.
     */
    public static List<String> differences(Map<String, String> file, Map<String, String> cluster) {
        List<String> differences = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(file.keySet());
        keys.addAll(cluster.keySet());
        for (String key : keys) {
            String mine = file.get(key);
            String theirs = cluster.get(key);
            if (mine == null || !mine.equals(theirs)) {
                differences.add(key + ": " + (mine == null ? "not set" : mine) + " in this file, "
                        + (theirs == null ? "not set" : theirs) + " in the cluster's");
            }
        }
        return differences;
    }
}
