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
import io.pilotd.driver.api.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import picocli.CommandLine.Command;

@Command(name = "queues", description = {
    "List the queues: limits, demand, pilots, last decision.",
    "For each queue of the database, as the running director applied its config (the queues it no longer has "
        + "retired, their pilots followed to their end): its limits, and where the given config file says otherwise, "
        + "what it says (fileDiffers); the waiting jobs it could serve, the pilots of any queue waiting "
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
                .of(queues.all().stream().map(QueueRow::name).toList());
        Map<String, CycleRecord> cycles = new CycleStore(session.database().jdbi()).latest();
        Map<String, QueueConfig> inFile = new HashMap<>();
        session.config().queues().forEach(q -> inFile.put(q.name(), q));
        Set<String> configured = queues.configured();
        Instant now = Instant.now();
        PilotEnvironment environment = PilotEnvironment.of(session.config(), DirectorId.of(session.config().director()),
                Clock.systemUTC());
        Map<String, PilotStore.Unresolved> unresolved = new PilotStore(session.database().jdbi()).unresolved();
        Rows rows = new Rows("queue", "site", "ce", "driver", "enabled", "maxRunning", "maxWaiting", "maxPerCycle",
                "cycle", "retired", "fileDiffers", "jobs", "coveredBy", "demand", "alive", "waiting", "running", "unresolved",
                "unresolvedSince", "unresolvedUntil", "lastCycle", "decidedBy", "lag", "proxyLeft", "backoffUntil",
                "lastError");
        for (QueueRow row : queues.all()) {
            QueueConfig q = inFile.get(row.name());
            QueueCounts c = counts.getOrDefault(row.name(), QueueCounts.NONE);
            CycleRecord last = cycles.get(row.name());
            SharedDemand.Demand demand = demands.getOrDefault(row.name(), SharedDemand.Demand.NONE);
            PilotStore.Unresolved u = unresolved.get(row.name());
            rows.add(row.name(), row.site(), row.ce(), row.driver(), row.enabled(), row.maxRunning(), row.maxWaiting(),
                    row.maxPerCycle(), row.cycle(), !configured.contains(row.name()), fileDiffers(row, q),
                    demand.waitingJobs(), demand.coveringPilots(), demand.pilotsNeeded(), c.alive(), c.waiting(), c.running(),
                    u == null ? 0 : u.pilots(), u == null ? null : u.since(), u == null ? null : u.until(),
                    last == null ? null : last.startedAt(), last == null ? null : last.decidingFactor(),
                    last == null ? null : Duration.ofMillis(last.lagMillis()),
                    q == null ? null : environment.proxyTimeLeft(q.name()).map(d -> Duration.ofSeconds(d.toSeconds())).orElse(null),
                    row.backingOff(now) ? row.backoffUntil() : null,
                    row.lastError() != null ? row.lastError() : last == null || last.errors().isEmpty() ? null : last.errors());
        }
        rows.print(out(), format);
        return ExitCodes.OK;
    }

    /** Where the given file says otherwise than the database: what it says; null where they agree. */
    private static String fileDiffers(QueueRow row, QueueConfig file) {
        if (file == null) {
            return "not in this file";
        }
        List<String> differs = new ArrayList<>();
        differ(differs, "site", row.site(), file.site());
        differ(differs, "driver", row.driver(), file.driver());
        differ(differs, "enabled", row.enabled(), file.enabled());
        differ(differs, "maxRunning", row.maxRunning(), file.limits().maxRunning());
        differ(differs, "maxWaiting", row.maxWaiting(), file.limits().maxWaiting());
        differ(differs, "maxPerCycle", row.maxPerCycle(), file.limits().maxPerCycle());
        differ(differs, "cycle", row.cycle().toSeconds(), Math.max(1, file.cycle().toSeconds()));
        return differs.isEmpty() ? null : String.join(", ", differs);
    }

    private static void differ(List<String> differs, String what, Object inForce, Object inFile) {
        if (!Objects.equals(inForce, inFile)) {
            differs.add(what + " " + (what.equals("cycle") ? Durations.format(Duration.ofSeconds((Long) inFile)) : inFile)
                    + " in the file");
        }
    }
}
