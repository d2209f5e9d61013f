package io.pilotd.director.cli;

import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.store.QueueCounts;
import io.pilotd.director.store.QueueStore;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "queues", description = "List the configured queues with their limits and live pilot counts.")
final class QueuesCommand extends PilotdSubcommand {
    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Override
    protected int execute(Session session) {
        QueueStore queues = new QueueStore(session.database().jdbi());
        queues.sync(session.config().queues());
        Map<String, QueueCounts> counts = queues.counts();
        Rows rows = new Rows("queue", "site", "ce", "driver", "enabled", "maxRunning", "maxWaiting", "maxPerCycle",
                "cycle", "alive", "waiting", "running");
        for (QueueConfig q : session.config().queues()) {
            QueueCounts c = counts.getOrDefault(q.name(), QueueCounts.NONE);
            rows.add(q.name(), q.site(), q.ce(), q.driver(), q.enabled(), q.limits().maxRunning(), q.limits().maxWaiting(),
                    q.limits().maxPerCycle(), q.cycle(), c.alive(), c.waiting(), c.running());
        }
        rows.print(out(), format);
        return ExitCodes.OK;
    }
}
