package io.pilotd.director.cli;

import io.pilotd.director.store.TaskQueueSpec;
import io.pilotd.director.store.TaskQueueStore;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "tq", description = "pilotd's built-in task queue: waiting jobs grouped by requirements.",
        subcommands = {TqCommand.Add.class, TqCommand.ListTaskQueues.class})
final class TqCommand {

    @Command(name = "add", description = "Add a task queue with waiting jobs (what a DIRAC WMS would insert).")
    static final class Add extends PilotdSubcommand {
        @Option(names = "--vo", required = true, description = "The jobs' VO.")
        String vo;

        @Option(names = "--jobs", required = true, paramLabel = "N", description = "How many waiting jobs.")
        int jobs;

        @Option(names = "--owner-group", defaultValue = "user", description = "The jobs' owner group (default: ${DEFAULT-VALUE}).")
        String ownerGroup;

        @Option(names = "--owner", defaultValue = "", description = "The jobs' owner.")
        String owner;

        @Option(names = "--site", paramLabel = "SITE", description = "A site the jobs may run at (repeat; none: any).")
        List<String> sites = new ArrayList<>();

        @Option(names = "--banned-site", paramLabel = "SITE", description = "A site the jobs must not run at (repeat).")
        List<String> bannedSites = new ArrayList<>();

        @Option(names = "--platform", paramLabel = "PLATFORM", description = "A platform the jobs run on (repeat; none: any).")
        List<String> platforms = new ArrayList<>();

        @Option(names = "--tag", paramLabel = "TAG", description = "A tag the jobs need, e.g. GPU (repeat).")
        List<String> tags = new ArrayList<>();

        @Option(names = "--processors", defaultValue = "1", description = "Cores per job (default: ${DEFAULT-VALUE}).")
        int processors;

        @Option(names = "--ram", paramLabel = "MB", defaultValue = "0", description = "Memory per job in MB (default: ${DEFAULT-VALUE}).")
        int ramMB;

        @Option(names = "--cpu-time", paramLabel = "SECONDS", defaultValue = "3600",
                description = "CPU time per job (default: ${DEFAULT-VALUE}).")
        long cpuTime;

        @Option(names = "--priority", defaultValue = "1", description = "Priority (default: ${DEFAULT-VALUE}).")
        double priority;

        @Override
        protected int execute(Session session) {
            if (jobs < 1 || processors < 1 || ramMB < 0 || cpuTime < 0) {
                throw new ParameterException(spec.commandLine(),
                        "--jobs and --processors must be at least 1, --ram and --cpu-time not negative");
            }
            if (session.config().demand().fromDirac()) {
                throw new ParameterException(spec.commandLine(), "the demand comes from DIRAC's TaskQueueDB (demand.source:"
                        + " dirac): pilotd's own task queue weighs nothing there; submit the jobs to DIRAC");
            }
            long id = new TaskQueueStore(session.database().jdbi()).add(new TaskQueueSpec(vo, ownerGroup, owner, cpuTime,
                    processors, ramMB, priority, sites, bannedSites, platforms, tags), jobs);
            out().printf("task queue %d: %d waiting job(s)%n", id, jobs);
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", description = "List the task queues and their jobs by state.")
    static final class ListTaskQueues extends PilotdSubcommand {
        @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
        OutputFormat format;

        @Override
        protected int execute(Session session) {
            Rows rows = new Rows("id", "vo", "ownerGroup", "processors", "ramMB", "cpuTime", "priority", "sites", "tags",
                    "waiting", "matched", "done");
            for (TaskQueueStore.TaskQueueSummary tq : new TaskQueueStore(session.database().jdbi()).list()) {
                rows.add(tq.id(), tq.vo(), tq.ownerGroup(), tq.processors(), tq.ramMB(), tq.cpuTime(), tq.priority(),
                        tq.sites(), tq.tags(), tq.waiting(), tq.matched(), tq.done());
            }
            rows.print(out(), format);
            if (session.config().demand().fromDirac()) {
                err().println("pilotd: the demand comes from DIRAC's TaskQueueDB (demand.source: dirac): these task queues"
                        + " weigh nothing; pilotd queues shows what DIRAC's do");
            }
            return ExitCodes.OK;
        }
    }
}
