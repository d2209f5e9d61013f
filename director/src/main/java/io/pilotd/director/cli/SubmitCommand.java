package io.pilotd.director.cli;

import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.cycle.Decision;
import io.pilotd.director.cycle.QueueDrivers;
import io.pilotd.director.cycle.SubmitResult;
import io.pilotd.director.cycle.Submitter;
import io.pilotd.director.daemon.DirectorId;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.ConfigMirror;
import java.time.Clock;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "submit", description = {
    "Submit pilots to a queue now, through the daemon's own path.",
    "The decision holds the queue's lock and its site's, within the queue's limits (maxRunning, "
        + "maxWaiting, maxPerCycle) and its site's caps, so that it never pushes a queue or a site past "
        + "them, even while the daemon runs. With --count it may take all the site has left; without, "
        + "it takes the queue's share of the site, as a cycle does.",
    "Prints the stamp and jobRef of each pilot; the daemon follows them."})
final class SubmitCommand extends PilotdSubcommand {
    @Option(names = "--queue", required = true, paramLabel = "QUEUE", description = "The queue (its name in the config).")
    String queue;

    @Option(names = "--count", paramLabel = "N",
            description = "How many pilots (default: as many as the queue's demand calls for, like a cycle).")
    Integer count;

    @Option(names = "--dry-run", description = "Decide and print, but submit nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Submit --count pilots whatever the queue's limits, back-off or "
            + "enabled state say. Site caps (sites.<site>.maxRunning, maxWaiting, maxCores) still apply: a site's "
            + "quota is the cloud's, and --force cannot raise it.")
    boolean force;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Override
    protected int execute(Session session) {
        if (force && count == null) {
            throw new ParameterException(spec.commandLine(), "--force needs --count");
        }
        if (count != null && count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1, not " + count);
        }
        int ceiling = session.config().director().maxSubmitCount();
        if (count != null && count > ceiling) {
            throw new ParameterException(spec.commandLine(), "--count " + count + " is more than director.maxSubmitCount ("
                    + ceiling + "): a typo must not start thousands of pilots; raise it in the config if you mean it");
        }
        QueueConfig queueConfig = session.config().queue(queue);
        String directorId = DirectorId.of(session.config().director());
        ConfigMirror.addMissing(session.database().jdbi(), session.config());
        SubmitResult result;
        try (QueueDrivers drivers = QueueDrivers.create(List.of(queueConfig), session.drivers(), directorId, session.dataDir())) {
            Submitter submitter = new Submitter(session.database().jdbi(),
                    PilotEnvironment.of(session.config(), directorId, Clock.systemUTC()), directorId, Clock.systemUTC());
            result = submitter.submit(queue, drivers.get(queue), new Decision.Request(count, force), dryRun);
        }
        err().printf("%s: %d waiting job(s), %d pilot(s) waiting for them, demand %d; waiting %d, alive %d:"
                        + " %s %d pilot(s) (decided by %s)%n", queue, result.demand().waitingJobs(),
                result.demand().coveringPilots(), result.demand().pilotsNeeded(), result.supply().waiting(), result.supply().alive(), dryRun ? "would submit" : "submitting",
                result.decision().count(), result.decision().factor());
        Rows rows = new Rows("stamp", "jobRef", "status");
        result.jobRefs().forEach((stamp, jobRef) -> rows.add(stamp, jobRef, "Submitted"));
        result.aborted().forEach(stamp -> rows.add(stamp, null, "Aborted"));
        rows.print(out(), format);
        if (result.error() != null) {
            err().println("pilotd: submission " + result.error());
            return ExitCodes.FAILURE;
        }
        return ExitCodes.OK;
    }
}
