package io.pilotd.director.cycle;

import io.pilotd.driver.api.PilotDriver;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The cloud's own ids of pilots, by jobRef, as their driver gives them. */
final class NativeIds {
    private NativeIds() {
    }

    static Map<String, String> of(PilotDriver driver, Collection<String> jobRefs) {
        Map<String, String> ids = new LinkedHashMap<>();
        for (String jobRef : jobRefs) {
            driver.nativeId(jobRef).ifPresent(id -> ids.put(jobRef, id));
        }
        return ids;
    }
}
