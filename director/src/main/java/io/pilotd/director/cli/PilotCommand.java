package io.pilotd.director.cli;

import io.pilotd.director.dirac.DiracReference;
import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "pilot", description = {
    "Show one pilot: every field and its status history.",
    "The pilot is named by its stamp (the id pilotd gave it) or its jobRef (the cloud's)."})
final class PilotCommand extends InspectionCommand {
    @Parameters(paramLabel = "STAMP|JOBREF", description = "The pilot's stamp, jobRef, or DIRAC reference (pilotd://STAMP).")
    String key;

    @Override
    protected int execute(Session session) {
        PilotStore store = new PilotStore(session.database().jdbi());
        PilotRecord p = Pilots.find(store, key);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("stamp", p.stamp());
        fields.put("jobRef", p.jobRef());
        fields.put("diracReference", DiracReference.of(p.stamp()));
        fields.put("nativeId", p.nativeId());
        fields.put("status", p.status());
        fields.put("reason", p.statusReason());
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
        fields.put("updated", p.updatedAt());
        fields.put("finished", p.finishedAt());
        Rows history = new Rows("at", "status", "reason");
        store.history(p.id()).forEach(c -> history.add(c.at(), c.status(), c.reason()));
        if (format == OutputFormat.json) {
            fields.put("history", history.asMaps());
            Rows.printJson(out(), fields);
            return ExitCodes.OK;
        }
        Rows table = new Rows("field", "value");
        fields.forEach((name, value) -> table.add(name, value));
        table.print(out(), format);
        out().println();
        history.print(out(), format);
        return ExitCodes.OK;
    }
}
