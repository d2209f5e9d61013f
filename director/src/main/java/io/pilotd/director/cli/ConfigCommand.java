package io.pilotd.director.cli;

import io.pilotd.director.config.ConfigLoader;
import io.pilotd.director.config.ConfigSource;
import io.pilotd.director.config.ConfigValidator;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "config", description = "Check the configuration.", subcommands = ConfigCommand.Check.class)
final class ConfigCommand {

    @Command(name = "check", description = {
        "Check a config file.",
        "Checks keys, types, values, sites, and each queue's driver parameters. Every problem is printed "
            + "as FILE:LINE: PATH: MESSAGE; the exit code is 2 if there is any. What may work later (a program "
            + "not there yet) is printed as a warning, and does not change the exit code."})
    static final class Check extends PilotdSubcommand {
        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The file to check (default: the config pilotd would use).")
        Path file;

        @Override
        protected int execute(Session session) {
            ConfigSource source = file != null ? new ConfigSource(file) : session.configSource();
            if (source.isBuiltIn()) {
                out().printf("%s: OK, %d queue(s)%n", source.describe(), session.config().queues().size());
                return ExitCodes.OK;
            }
            ConfigLoader.Checked checked = new ConfigLoader(new ConfigValidator(session.drivers())).check(source.file());
            checked.warnings().forEach(warning -> err().printf("pilotd: warning: %s%n", warning));
            out().printf("%s: OK, %d queue(s)%s%n", source.describe(), checked.config().queues().size(),
                    checked.warnings().isEmpty() ? "" : ", " + checked.warnings().size() + " warning(s)");
            return ExitCodes.OK;
        }
    }
}
