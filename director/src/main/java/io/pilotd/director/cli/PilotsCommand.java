package io.pilotd.director.cli;

import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.driver.api.PilotStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "pilots", description = {"List pilots, newest first.",
    "With --format json, every field `pilotd pilot` shows, status history included."})
final class PilotsCommand extends InspectionCommand {
    @Option(names = "--queue", paramLabel = "QUEUE", description = "Only this queue's pilots.")
    String queue;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only pilots in this status: ${COMPLETION-CANDIDATES}.")
    PilotStatus status;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit;

    @Override
    protected int execute(Session session) {
        if (limit < 0) {
            throw new ParameterException(spec.commandLine(), "--limit must not be negative, not " + limit);
        }
        if (queue != null) {
            // A typo must not read as "no pilots"; a queue gone from the config: list without --queue.
            session.config().queue(queue);
        }
        PilotStore store = new PilotStore(session.database().jdbi());
        List<PilotRecord> pilots = store.list(queue, status, limit);
        if (format == OutputFormat.json) {
            // every field of `pilotd pilot`, its history too: a script needs no second command
            Map<Long, List<PilotStore.StatusChange>> histories = store.histories(pilots.stream().map(PilotRecord::id).toList());
            List<Map<String, Object>> all = new ArrayList<>();
            for (PilotRecord p : pilots) {
                Map<String, Object> fields = PilotFields.of(p);
                fields.put("history", PilotFields.history(histories.getOrDefault(p.id(), List.of())).asMaps());
                all.add(fields);
            }
            Rows.printJson(out(), all);
            return ExitCodes.OK;
        }
        Rows rows = new Rows("stamp", "jobRef", "queue", "status", "reason", "submitted", "updated");
        for (PilotRecord p : pilots) {
            rows.add(p.stamp(), p.jobRef(), p.queue(), p.status(), p.statusReason(), p.submittedAt(), p.updatedAt());
        }
        rows.print(out(), format);
        return ExitCodes.OK;
    }
}
