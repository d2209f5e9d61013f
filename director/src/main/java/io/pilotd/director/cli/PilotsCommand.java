package io.pilotd.director.cli;

import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.driver.api.PilotStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "pilots", description = "List pilots, newest first.")
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
        Rows rows = new Rows("stamp", "jobRef", "queue", "status", "reason", "submitted", "updated");
        for (PilotRecord p : new PilotStore(session.database().jdbi()).list(queue, status, limit)) {
            rows.add(p.stamp(), p.jobRef(), p.queue(), p.status(), p.statusReason(), p.submittedAt(), p.updatedAt());
        }
        rows.print(out(), format);
        return ExitCodes.OK;
    }
}
