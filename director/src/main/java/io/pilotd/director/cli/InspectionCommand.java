package io.pilotd.director.cli;

import picocli.CommandLine.Option;

/**
 * A command that only reads the database and prints what it found, and must answer at once: its
 * config is checked without building the drivers
 * ({@link io.pilotd.director.config.ConfigValidator#forInspection}).
 */
abstract class InspectionCommand extends PilotdSubcommand {
    @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
    OutputFormat format;

    @Override
    protected final boolean inspectsOnly() {
        return true;
    }
}
