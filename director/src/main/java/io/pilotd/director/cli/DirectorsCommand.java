package io.pilotd.director.cli;

import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.DirectorRegistry;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

@Command(name = "directors", description = {
    "List the directors running on the database and the cluster duties each holds.",
    "For each director running now: its id, host, pid, whether it is clustered, since when it runs, and the "
        + "work done once per database that it does (retention, dirac-poll, pilotagents-mirror), each since when."})
final class DirectorsCommand extends InspectionCommand {
    @Override
    protected int execute(Session session) {
        List<ClusterDuties.Holder> holders = ClusterDuties.holders(session.database().jdbi());
        Rows rows = new Rows("director", "host", "pid", "clustered", "since", "duties");
        for (DirectorRegistry.Running d : DirectorRegistry.running(session.database().jdbi())) {
            String duties = holders.stream().filter(h -> h.directorId().equals(d.directorId()))
                    .map(h -> h.duty() + " since " + h.since()).collect(Collectors.joining(", "));
            rows.add(d.directorId(), d.host(), d.pid(), d.clustered(), d.since(), duties.isEmpty() ? null : duties);
        }
        rows.print(out(), format);
        return ExitCodes.OK;
    }
}
