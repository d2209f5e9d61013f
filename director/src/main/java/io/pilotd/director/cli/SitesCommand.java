package io.pilotd.director.cli;

import io.pilotd.director.store.ConfigMirror;
import io.pilotd.director.store.QueueRow;
import io.pilotd.director.store.QueueStore;
import io.pilotd.director.store.SiteRow;
import io.pilotd.director.store.SiteStore;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

@Command(name = "sites", description = {
    "List the sites: caps and what their queues hold.",
    "For each site of the database, as the running director applied its config: its caps (empty: no cap), its "
        + "queues in force, and what all its queues hold now: pilots alive, pilots not yet running, and cores (each "
        + "pilot counting its queue's processors)."})
final class SitesCommand extends InspectionCommand {
    @Override
    protected int execute(Session session) {
        ConfigMirror.addMissing(session.database().jdbi(), session.config());
        QueueStore store = new QueueStore(session.database().jdbi());
        Set<String> configured = store.configured();
        List<QueueRow> inForce = store.all().stream().filter(q -> configured.contains(q.name())).toList();
        Rows rows = new Rows("site", "queues", "maxRunning", "maxWaiting", "maxCores", "alive", "waiting", "cores");
        for (SiteRow site : new SiteStore(session.database().jdbi()).all()) {
            String queues = inForce.stream().filter(q -> q.site().equals(site.name()))
                    .map(QueueRow::name).collect(Collectors.joining(","));
            rows.add(site.name(), queues, site.maxRunning(), site.maxWaiting(), site.maxCores(), site.alive(),
                    site.waiting(), site.cores());
        }
        rows.print(out(), format);
        return ExitCodes.OK;
    }
}
