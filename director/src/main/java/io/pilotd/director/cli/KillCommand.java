package io.pilotd.director.cli;

import io.pilotd.director.cycle.PilotFollower;
import io.pilotd.director.daemon.DirectorId;
import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueRow;
import io.pilotd.director.store.QueueStore;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.PilotStatus;
import java.io.Console;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

@Command(name = "kill", description = {
    "Kill pilots, through the driver that started them.",
    "Name the pilots by stamp or jobRef, or take every pilot of a queue in one status (--queue Q --status S). "
        + "pilotd asks before it kills, unless --yes; where it has no terminal to ask on, --yes is needed. "
        + "Killed pilots become Deleted. Pilots that have ended, and pilots the cloud has not yet answered for "
        + "(Submitting: the daemon resolves them), are left alone and listed."})
final class KillCommand extends PilotdSubcommand {
    @Parameters(arity = "0..*", paramLabel = "STAMP|JOBREF", description = "The pilots to kill: stamps, jobRefs, or DIRAC references (pilotd://STAMP).")
    List<String> keys = new ArrayList<>();

    @Option(names = "--queue", paramLabel = "QUEUE", description = "With --status: every pilot of this queue in that status.")
    String queue;

    @Option(names = "--status", paramLabel = "STATUS", description = "With --queue: Submitted, Waiting, Scheduled, Running or Unknown.")
    PilotStatus status;

    @Option(names = {"-y", "--yes"}, description = "Kill without asking.")
    boolean yes;

    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Override
    protected int execute(Session session) {
        checkSelection();
        PilotStore store = new PilotStore(session.database().jdbi());
        List<PilotRecord> named = keys.isEmpty() ? store.inStatus(knownQueue(session), status) : Pilots.findAll(store, keys);
        Map<String, String> results = new LinkedHashMap<>();
        Map<Long, List<PilotRecord>> bySetup = new LinkedHashMap<>();
        for (PilotRecord p : named) {
            if (p.status().isFinal()) {
                results.put(p.stamp(), "left alone: already " + p.status());
            } else if (p.jobRef() == null) {
                results.put(p.stamp(), "left alone: the cloud has not answered for it yet (the daemon resolves it)");
            } else {
                bySetup.computeIfAbsent(p.driverSetupId(), s -> new ArrayList<>()).add(p);
            }
        }
        int toKill = bySetup.values().stream().mapToInt(List::size).sum();
        boolean failed = false;
        if (toKill > 0 && !confirmed(toKill)) {
            err().println("pilotd: nothing killed");
            return ExitCodes.FAILURE;
        }
        PilotFollower follower = new PilotFollower(store);
        String reason = "killed by pilotd kill (" + System.getProperty("user.name") + " on " + DirectorId.host() + ")";
        for (List<PilotRecord> pilots : bySetup.values()) {
            try {
                follower.kill(pilots, session.driverOf(pilots.get(0)), reason);
                pilots.forEach(p -> results.put(p.stamp(), "Deleted"));
            } catch (DriverException | IllegalStateException e) {
                failed = true;
                pilots.forEach(p -> results.put(p.stamp(), "not killed: " + e.getMessage()));
            }
        }
        Rows rows = new Rows("stamp", "jobRef", "queue", "status", "result");
        for (PilotRecord p : named) {
            rows.add(p.stamp(), p.jobRef(), p.queue(), p.status(), results.get(p.stamp()));
        }
        rows.print(out(), format);
        return failed ? ExitCodes.FAILURE : ExitCodes.OK;
    }

    private void checkSelection() {
        if (keys.isEmpty() == (queue == null && status == null)) {
            throw new ParameterException(spec.commandLine(), keys.isEmpty()
                    ? "name the pilots to kill, or --queue Q --status S"
                    : "name pilots or give --queue and --status, not both");
        }
        if (keys.isEmpty() && (queue == null || status == null)) {
            throw new ParameterException(spec.commandLine(), "--queue and --status go together");
        }
        if (status != null && (status.isFinal() || status == PilotStatus.Submitting)) {
            throw new ParameterException(spec.commandLine(), "pilots " + status + " cannot be killed: give Submitted, "
                    + "Waiting, Scheduled, Running or Unknown");
        }
    }

    /** The queue of --queue, which the database must have (it may have left the config). */
    private String knownQueue(Session session) {
        List<String> queues = new QueueStore(session.database().jdbi()).all().stream().map(QueueRow::name).toList();
        if (!queues.contains(queue)) {
            throw new ParameterException(spec.commandLine(), "no queue named '" + queue + "' in the database (queues: "
                    + String.join(", ", queues) + ")");
        }
        return queue;
    }

    private boolean confirmed(int count) {
        if (yes) {
            return true;
        }
        Console console = System.console();
        if (console == null) {
            throw new ParameterException(spec.commandLine(), "kill " + count + " pilot(s)? There is no terminal to ask on:"
                    + " confirm with --yes");
        }
        String answer = console.readLine("Kill %d pilot(s)? [y/N] ", count);
        return answer != null && (answer.equalsIgnoreCase("y") || answer.equalsIgnoreCase("yes"));
    }
}
