package io.pilotd.director.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A leaf command: gets the common flags and a {@link Session} that is closed when it ends. */
abstract class PilotdSubcommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        CommonOptions common = ((PilotdCommand) spec.root().userObject()).common;
        Logging.configure(common.verbose, isDaemon(), common.logFormat);
        try (Session session = new Session(common, System.getenv(), inspectsOnly())) {
            return execute(session);
        }
    }

    protected abstract int execute(Session session) throws Exception;

    /** See {@link InspectionCommand}. */
    protected boolean inspectsOnly() {
        return false;
    }

    /** The daemon logs its lifecycle at INFO; other commands only warnings, unless verbose. */
    protected boolean isDaemon() {
        return false;
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    protected PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
