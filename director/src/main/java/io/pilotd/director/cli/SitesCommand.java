package io.pilotd.director.cli;

import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.store.ConfigMirror;
import io.pilotd.director.store.SiteRow;
import io.pilotd.director.store.SiteStore;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

@Command(name = "sites", description = {
    "List the sites: caps and what their queues hold.",
    "For each configured site: its caps (empty: no cap) and what all its queues hold now: pilots alive, "
        + "pilots not yet running, and cores (each pilot counting its queue's processors)."})
final class SitesCommand extends InspectionCommand {
    @Override
    protected int execute(Session session) {
        ConfigMirror.addMissing(session.database().jdbi(), session.config());
        Rows rows = new Rows("site", "queues", "maxRunning", "maxWaiting", "maxCores", "alive", "waiting", "cores");
        for (SiteRow site : new SiteStore(session.database().jdbi()).all()) {
            if (!session.config().sites().containsKey(site.name())) {
                continue;
            }
            String queues = session.config().queues().stream().filter(q -> q.site().equals(site.name()))
                    .map(QueueConfig::name).collect(Collectors.joining(","));
            rows.add(site.name(), queues, site.maxRunning(), site.maxWaiting(), site.maxCores(), site.alive(),
                    site.waiting(), site.cores());
        }
        rows.print(out(), format);
        return ExitCodes.OK;
    }
}
