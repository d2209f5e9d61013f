package io.pilotd.director.cli;

import io.pilotd.director.report.Report;
import io.pilotd.director.report.ReportQuery;
import io.pilotd.director.report.ReportTable;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;

@Command(name = "report", description = {
    "Print one of the SQL reports (views in the database that psql can read as well).",
    "Windowed reports show the last 24 hours unless --since says otherwise; 'pilotd report --list' names them."})
final class ReportCommand extends InspectionCommand {
    @Parameters(arity = "0..1", paramLabel = "NAME", completionCandidates = Names.class,
            description = "The report: ${COMPLETION-CANDIDATES}.")
    String name;

    @Option(names = "--list", description = "List the reports, with the view each reads.")
    boolean list;

    @Option(names = "--since", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "The window of a windowed report: what happened in the last DURATION (e.g. 6h, 7d; default: 24h).")
    Duration since;

    @Option(names = "--stuck-after", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "For 'stuck': how long a pilot may wait in one status (default: 1h, or its queue's maxWaitingTime if shorter).")
    Duration stuckAfter;

    @Option(names = "--queue", paramLabel = "QUEUE", description = "Only this queue's rows.")
    String queue;

    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Arrays.stream(Report.values()).map(Report::reportName).iterator();
        }
    }

    @Override
    protected int execute(Session session) {
        if (list) {
            Rows rows = new Rows("report", "view", "window", "shows");
            for (Report report : Report.values()) {
                rows.add(report.reportName(), report.view(), report.windowed() ? "--since (24h)" : "now", report.description());
            }
            rows.print(out(), format);
            return ExitCodes.OK;
        }
        Report report = check();
        ReportQuery query = new ReportQuery(session.database().jdbi());
        if (queue != null) {
            List<String> queues = query.queues();
            if (!queues.contains(queue)) {
                throw new ParameterException(spec.commandLine(), "no queue named '" + queue + "' in the database (queues: "
                        + String.join(", ", queues) + ")");
            }
        }
        ReportTable table = query.read(report, since, stuckAfter, queue);
        Rows rows = new Rows(table.columns().toArray(String[]::new));
        table.rows().forEach(r -> rows.add(r.toArray()));
        rows.print(out(), format);
        return ExitCodes.OK;
    }

    /** The report asked for, with options that fit it: checked before the database is opened. */
    private Report check() {
        if (name == null) {
            throw new ParameterException(spec.commandLine(), "name a report, or --list them: " + names());
        }
        Report report = Report.named(name).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "no report named '" + name + "' (reports: " + names() + ")"));
        if (since != null && !report.windowed()) {
            throw new ParameterException(spec.commandLine(), "report " + name + " shows the present: --since does not apply"
                    + " (it does to " + Arrays.stream(Report.values()).filter(Report::windowed).map(Report::reportName)
                    .collect(Collectors.joining(", ")) + ")");
        }
        if (stuckAfter != null && report != Report.STUCK) {
            throw new ParameterException(spec.commandLine(), "--stuck-after applies to report stuck only, not " + name);
        }
        return report;
    }

    private static String names() {
        return Arrays.stream(Report.values()).map(Report::reportName).collect(Collectors.joining(", "));
    }
}
