package io.pilotd.director.cli;

import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.daemon.DirectorId;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.ConfigMirror;
import io.pilotd.director.store.CycleRecord;
import io.pilotd.director.store.CycleStore;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueCounts;
import io.pilotd.director.store.QueueRow;
import io.pilotd.director.store.QueueStore;
import io.pilotd.director.store.SharedDemand;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Command;

@Command(name = "queues", description = {
    "List the queues: limits, demand, pilots, last decision.",
    "For each configured queue: its limits; the waiting jobs it could serve, the pilots of any queue waiting "
        + "for them, and its demand (the pilots those jobs still call for); its live pilots; and its last cycle's decision "
        + "with the term that bound it (demand, maxWaiting, maxRunning, maxPerCycle, siteMaxRunning, "
        + "siteMaxWaiting, siteMaxCores, backoff, failingPilots, proxy, disabled), how late that cycle started, "
        + "how long the queue's proxy has left, its back-off and its last error (the back-off's, else the last cycle's)."})
final class QueuesCommand extends InspectionCommand {
    @Override
    protected int execute(Session session) {
        QueueStore queues = new QueueStore(session.database().jdbi());
        ConfigMirror.addMissing(session.database().jdbi(), session.config());
        Map<String, QueueCounts> counts = queues.counts();
        Map<String, SharedDemand.Demand> demands = new SharedDemand(session.database().jdbi())
                .of(session.config().queues().stream().map(QueueConfig::name).toList());
        Map<String, CycleRecord> cycles = new CycleStore(session.database().jdbi()).latest();
        Map<String, QueueRow> rowsByName = new HashMap<>();
        queues.all().forEach(r -> rowsByName.put(r.name(), r));
        Instant now = Instant.now();
        PilotEnvironment environment = PilotEnvironment.of(session.config(), DirectorId.of(session.config().director()),
                Clock.systemUTC());
        Map<String, PilotStore.Unresolved> unresolved = new PilotStore(session.database().jdbi()).unresolved();
        Rows rows = new Rows("queue", "site", "ce", "driver", "enabled", "maxRunning", "maxWaiting", "maxPerCycle",
                "cycle", "jobs", "coveredBy", "demand", "alive", "waiting", "running", "unresolved", "unresolvedSince",
                "unresolvedUntil",
                "lastCycle", "decidedBy", "lag", "proxyLeft", "backoffUntil", "lastError");
        for (QueueConfig q : session.config().queues()) {
            QueueCounts c = counts.getOrDefault(q.name(), QueueCounts.NONE);
            CycleRecord last = cycles.get(q.name());
            SharedDemand.Demand demand = demands.getOrDefault(q.name(), SharedDemand.Demand.NONE);
            QueueRow row = rowsByName.get(q.name());
            rows.add(q.name(), q.site(), q.ce(), q.driver(), q.enabled(), q.limits().maxRunning(), q.limits().maxWaiting(),
                    q.limits().maxPerCycle(), q.cycle(), demand.waitingJobs(), demand.coveringPilots(), demand.pilotsNeeded(),
                    c.alive(), c.waiting(), c.running(),
                    unresolved.containsKey(q.name()) ? unresolved.get(q.name()).pilots() : 0,
                    unresolved.containsKey(q.name()) ? unresolved.get(q.name()).since() : null,
                    unresolved.containsKey(q.name()) ? unresolved.get(q.name()).until() : null,
                    last == null ? null : last.startedAt(), last == null ? null : last.decidingFactor(),
                    last == null ? null : Duration.ofMillis(last.lagMillis()),
                    environment.proxyTimeLeft(q.name()).map(d -> Duration.ofSeconds(d.toSeconds())).orElse(null),
                    row.backingOff(now) ? row.backoffUntil() : null,
                    row.lastError() != null ? row.lastError() : last == null || last.errors().isEmpty() ? null : last.errors());
        }
        rows.print(out(), format);
        return ExitCodes.OK;
    }
}
