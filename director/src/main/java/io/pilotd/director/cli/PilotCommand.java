package io.pilotd.director.cli;

import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
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
        Map<String, Object> fields = PilotFields.of(p);
        Rows history = PilotFields.history(store.history(p.id()));
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
