package io.pilotd.director.cli;

import io.pilotd.director.store.Database;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "db", description = "Manage pilotd's database schema.",
        subcommands = {DbCommand.Migrate.class, DbCommand.Info.class})
final class DbCommand {

    @Command(name = "migrate", description = "Create or update the schema (a no-op when it is current).")
    static final class Migrate extends PilotdSubcommand {
        @Override
        protected int execute(Session session) {
            Database db = session.rawDatabase();
            MigrateResult result = db.migrate();
            if (result.migrationsExecuted == 0) {
                out().printf("%s: schema is current (version %s), nothing to do%n", db.description(),
                        result.initialSchemaVersion);
            } else {
                out().printf("%s: applied %d migration(s), schema now at version %s%n", db.description(),
                        result.migrationsExecuted, result.targetSchemaVersion);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "info", description = "List the schema's migrations and their state.")
    static final class Info extends PilotdSubcommand {
        @Option(names = "--format", defaultValue = "table", description = "table, csv or json (default: ${DEFAULT-VALUE}).")
        OutputFormat format;

        @Override
        protected int execute(Session session) {
            Database db = session.rawDatabase();
            if (format == OutputFormat.table) {
                out().println(db.description());
            }
            Rows rows = new Rows("version", "description", "state", "installed");
            for (MigrationInfo m : db.migrations()) {
                rows.add(m.getVersion() == null ? "" : m.getVersion().toString(), m.getDescription(),
                        m.getState().getDisplayName(), m.getInstalledOn() == null ? null : m.getInstalledOn().toInstant());
            }
            rows.print(out(), format);
            return ExitCodes.OK;
        }
    }
}
