package io.pilotd.director.cli;

import io.pilotd.director.dirac.DiracReference;
import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A pilot's fields as {@code pilotd pilot} shows them and {@code pilotd pilots --format json} lists them. */
final class PilotFields {
    private PilotFields() {
    }

    static Map<String, Object> of(PilotRecord p) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("stamp", p.stamp());
        fields.put("jobRef", p.jobRef());
        fields.put("diracReference", DiracReference.of(p.stamp()));
        fields.put("nativeId", p.nativeId());
        fields.put("status", p.status());
        fields.put("reason", p.statusReason());
        if (p.killAsked() != null && !p.status().isFinal()) {
            fields.put("killAsked", p.killAsked());
        }
        fields.put("queue", p.queue());
        fields.put("site", p.site());
        fields.put("ce", p.ce());
        fields.put("driver", p.driver());
        fields.put("driverSetup", p.driverSetupId());
        fields.put("vo", p.vo());
        fields.put("batch", p.batchId());
        fields.put("director", p.directorId());
        fields.put("taskQueues", p.taskQueues());
        fields.put("submitted", p.submittedAt());
        fields.put("started", p.startedAt());
        fields.put("updated", p.updatedAt());
        fields.put("finished", p.finishedAt());
        fields.put("jobs", p.jobs());
        return fields;
    }

    static Rows history(List<PilotStore.StatusChange> changes) {
        Rows history = new Rows("at", "status", "reason");
        changes.forEach(c -> history.add(c.at(), c.status(), c.reason()));
        return history;
    }
}
