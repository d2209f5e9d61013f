package io.pilotd.director.cli;

import io.pilotd.director.config.ConfigException;
import io.pilotd.director.config.UnknownQueueException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import picocli.CommandLine;

/** {@code pilotd}: the daemon and its command line. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int code = run(System.out, System.err, args);
        ClassArchive.loadCommandClassesIfArchiving();
        System.exit(code);
    }

    /** Runs one command; results go to {@code out}, diagnostics to {@code err}. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        CommandLine cli = new CommandLine(new PilotdCommand());
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter w = commandLine.getErr();
            boolean verbose = Arrays.asList(args).contains("-v") || Arrays.asList(args).contains("--verbose");
            int code = e instanceof ConfigException || e instanceof UnknownQueueException
                    || e instanceof Pilots.NoSuchPilotException ? ExitCodes.USAGE : ExitCodes.FAILURE;
            String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            w.println("pilotd: " + message.replace("\n", "\n  "));
            if (verbose) {
                e.printStackTrace(w);
            }
            w.flush();
            return code;
        });
        return cli.execute(args);
    }
}
