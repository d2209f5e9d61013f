package io.pilotd.director.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

@Command(name = "pilotd",
        mixinStandardHelpOptions = true,
        // every subcommand takes --help (and --version) too
        scope = ScopeType.INHERIT,
        versionProvider = PilotdCommand.Version.class,
        description = "A DIRAC-style pilot director: keeps the right number of pilots on each queue.",
        subcommands = {
            RunCommand.class,
            SubmitCommand.class,
            DbCommand.class,
            ConfigCommand.class,
            QueuesCommand.class,
            SitesCommand.class,
            DirectorsCommand.class,
            PilotsCommand.class,
            PilotCommand.class,
            KillCommand.class,
            LogsCommand.class,
            ReportCommand.class,
            TqCommand.class,
            DiracCommand.class,
            EndpointCommand.class,
            ProxyCommand.class,
            RenderCommand.class,
            DemoPilotCommand.class,
            AutoComplete.GenerateCompletion.class,
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:failure (database, driver or cloud error)",
            "2:usage or config error (bad option, unknown queue, invalid config file)",
        })
public final class PilotdCommand implements Runnable {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = PilotdCommand.class.getPackage().getImplementationVersion();
            return new String[] {"pilotd " + (version == null ? "(development build)" : version)};
        }
    }
}
