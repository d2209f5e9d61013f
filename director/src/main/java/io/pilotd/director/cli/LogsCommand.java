package io.pilotd.director.cli;

import io.pilotd.director.payload.Redaction;
import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.driver.api.DriverException;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "logs", description = {
    "Print a pilot's output: its log or console output, where its cloud keeps one.",
    "Read through the driver that started it (the local driver's output file, CloudWatch Logs for aws-batch, "
        + "the console for ec2 and openstack). Anything shaped like a key or a proxy is shown redacted."})
final class LogsCommand extends PilotdSubcommand {
    @Parameters(paramLabel = "STAMP|JOBREF", description = "The pilot's stamp, jobRef, or DIRAC reference (pilotd://STAMP).")
    String key;

    @Override
    protected int execute(Session session) throws DriverException {
        PilotRecord pilot = Pilots.find(new PilotStore(session.database().jdbi()), key);
        if (pilot.jobRef() == null) {
            err().println("pilotd: pilot " + pilot.stamp() + " is " + pilot.status() + ": the cloud has not answered for it yet");
            return ExitCodes.FAILURE;
        }
        Optional<String> output = session.driverOf(pilot).output(pilot.jobRef());
        if (output.isEmpty()) {
            err().println("pilotd: the cloud keeps no output for pilot " + pilot.stamp() + " (" + pilot.jobRef() + ")");
            return ExitCodes.FAILURE;
        }
        out().print(Redaction.scrub(output.get(), List.of()));
        out().flush();
        return ExitCodes.OK;
    }
}
