package io.pilotd.director.cli;

import io.pilotd.director.config.ConfigLoader;
import io.pilotd.director.config.ConfigSource;
import io.pilotd.director.config.ConfigValidator;
import io.pilotd.director.config.PilotdConfig;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "config", description = "Check the configuration.", subcommands = ConfigCommand.Check.class)
final class ConfigCommand {

    @Command(name = "check", description = {
        "Check a config file.",
        "Checks keys, types, values, sites, and each queue's driver parameters. Every problem is printed "
            + "as FILE:LINE: PATH: MESSAGE; the exit code is 2 if there is any."})
    static final class Check extends PilotdSubcommand {
        @Parameters(arity = "0..1", paramLabel = "FILE", description = "The file to check (default: the config pilotd would use).")
        Path file;

        @Override
        protected int execute(Session session) {
            ConfigSource source = file != null ? new ConfigSource(file) : session.configSource();
            PilotdConfig config = source.isBuiltIn()
                    ? session.config()
                    : new ConfigLoader(new ConfigValidator(session.drivers())).load(source.file());
            out().printf("%s: OK, %d queue(s)%n", source.describe(), config.queues().size());
            return ExitCodes.OK;
        }
    }
}
