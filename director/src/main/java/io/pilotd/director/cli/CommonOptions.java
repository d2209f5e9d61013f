package io.pilotd.director.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Flags every command takes, before its name or after it ({@code pilotd --config X queues} as
 * well as {@code pilotd queues --config X}): declared once on {@code pilotd} and inherited.
 */
public final class CommonOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "Config file (default: $PILOTD_CONFIG, else /etc/pilotd/pilotd.yaml if it exists, else the built-in default).")
    Path config;

    @Option(names = "--data-dir", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Data directory for the embedded database and driver state (default: director.dataDir, $PILOTD_DATA_DIR, $XDG_DATA_HOME/pilotd, $HOME/.local/share/pilotd).")
    Path dataDir;

    @Option(names = "--log-format", paramLabel = "FORMAT", scope = ScopeType.INHERIT,
            defaultValue = "${env:PILOTD_LOG_FORMAT:-text}",
            description = "text (default), or json: one JSON object a line, for a log pipeline (default: $PILOTD_LOG_FORMAT).")
    Logging.Format logFormat;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "More log output, and stack traces with errors.")
    boolean verbose;
}
