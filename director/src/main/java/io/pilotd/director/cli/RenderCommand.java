package io.pilotd.director.cli;

import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.cycle.BatchIds;
import io.pilotd.director.daemon.DirectorId;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.payload.PilotProxies;
import io.pilotd.director.payload.Redaction;
import io.pilotd.director.store.QueueRow;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "render", description = {
    "Print what a submission to a queue would send, the proxy redacted.",
    "The environment every pilot gets, the DIRAC pilot wrapper, the container bootstrap and the VM "
        + "user-data (cloud-init), made exactly as the director makes them for the queue now; the proxy "
        + "is checked as before a submission, and shown as " + Redaction.MARK + ". Nothing is submitted "
        + "and the database is not touched. With --part, one part alone, as it is (e.g. to feed "
        + "`cloud-init schema -c`)."})
final class RenderCommand extends PilotdSubcommand {
    /** What {@code --part} can print. */
    enum Part {
        all, environment, wrapper, bootstrap, user_data
    }

    @Option(names = "--queue", required = true, paramLabel = "QUEUE", description = "The queue (its name in the config).")
    String queue;

    @Option(names = "--count", defaultValue = "1", paramLabel = "N", description = "Pilots in the batch (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--part", defaultValue = "all", paramLabel = "PART",
            description = "all, environment, wrapper, bootstrap or user-data (default: ${DEFAULT-VALUE}).",
            converter = PartConverter.class)
    Part part;

    @Override
    protected int execute(Session session) {
        if (count < 1) {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1, not " + count);
        }
        QueueConfig config = session.config().queue(queue);
        QueueRow row = row(config);
        String directorId = DirectorId.of(session.config().director());
        PilotEnvironment environment = PilotEnvironment.of(session.config(), directorId, Clock.systemUTC());
        PilotProxies.Verdict verdict = environment.checkProxy(row);
        if (!verdict.fit()) {
            err().println("pilotd: " + queue + " would get no pilots (deciding factor proxy): " + verdict.problem());
            return ExitCodes.FAILURE;
        }
        String batchId = BatchIds.next();
        PilotRequest request;
        try {
            request = environment.request(row, batchId, BatchStamps.stamps(batchId, count), verdict);
        } catch (Exception e) {
            err().println("pilotd: " + e.getMessage());
            return ExitCodes.FAILURE;
        }
        PilotPayload payload = request.payload();
        List<String> secrets = List.copyOf(payload.secrets().values());
        if (part == Part.all) {
            out().printf("# queue %s (driver %s), batch %s, %d pilot(s): %s%n", queue, config.driver(), batchId, count,
                    String.join(" ", request.stamps()));
        }
        if (part == Part.all || part == Part.environment) {
            heading("environment");
            for (Map.Entry<String, String> e : payload.fullEnvironment().entrySet()) {
                out().println(e.getKey() + "=" + Redaction.exact(e.getValue(), secrets));
            }
        }
        print(Part.wrapper, "wrapper", payload.wrapper(), secrets);
        print(Part.bootstrap, "bootstrap", payload.bootstrap(), secrets);
        print(Part.user_data, "user-data", payload.userData(), secrets);
        return ExitCodes.OK;
    }

    private void heading(String name) {
        if (part == Part.all) {
            out().println("## " + name);
        }
    }

    private void print(Part which, String name, String text, List<String> secrets) {
        if (part == Part.all || part == which) {
            heading(name);
            out().print(Redaction.exact(text, secrets));
            out().flush();
        }
    }

    /** The queue as its row will be, from its config: rendering needs no database. */
    private static QueueRow row(QueueConfig q) {
        return new QueueRow(q.name(), q.site(), q.ce(), q.queue(), q.driver(), q.matching().vo(), q.matching().processors(),
                q.limits().maxRunning(), q.limits().maxWaiting(), q.limits().maxPerCycle(), q.cycle(),
                q.limits().maxWaitingTime(), q.enabled(), 0, null, null, q.consistencyWindow(), q.limits().maxLifetime(),
                null, null, q.limits().maxFailedPilots(), q.limits().failedPilotsWindow());
    }

    static final class PartConverter implements picocli.CommandLine.ITypeConverter<Part> {
        @Override
        public Part convert(String value) {
            return Part.valueOf(value.replace('-', '_'));
        }
    }
}
