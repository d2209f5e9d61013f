package io.pilotd.director.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Flags every command takes. */
public final class CommonOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Config file (default: $PILOTD_CONFIG, else /etc/pilotd/pilotd.yaml if it exists, else the built-in default).")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory for the embedded database and driver state (default: director.dataDir, $PILOTD_DATA_DIR, ~/.local/share/pilotd).")
    Path dataDir;

    @Option(names = {"-v", "--verbose"}, description = "More log output, and stack traces with errors.")
    boolean verbose;
}
