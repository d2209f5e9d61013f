package io.pilotd.director.cli;

import io.pilotd.director.config.ConfigException;
import io.pilotd.director.config.ConfigLoader;
import io.pilotd.director.config.ConfigSource;
import io.pilotd.director.config.ConfigValidator;
import io.pilotd.director.config.DataDirs;
import io.pilotd.director.config.DefaultConfig;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.cycle.QueueDrivers;
import io.pilotd.director.daemon.DirectorId;
import io.pilotd.director.driver.DriverCatalog;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.DriverSetups;
import io.pilotd.director.store.PilotRecord;
import io.pilotd.driver.api.PilotDriver;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What one command invocation works with: the config it resolved, the data directory, the
 * drivers, and the database, opened on first use and closed when the command ends.
 */
final class Session implements AutoCloseable {
    private final CommonOptions options;
    private final Map<String, String> env;
    private final boolean inspectsOnly;
    private DriverCatalog drivers;
    private PilotdConfig config;
    private Path dataDir;
    private Database database;
    private final Map<Long, PilotDriver> setupDrivers = new HashMap<>();

    /** @param inspectsOnly the command only reads the database: the drivers' parameters go unchecked */
    Session(CommonOptions options, Map<String, String> env, boolean inspectsOnly) {
        this.options = options;
        this.env = env;
        this.inspectsOnly = inspectsOnly;
    }

    ConfigSource configSource() {
        return ConfigSource.resolve(options.config, env);
    }

    DriverCatalog drivers() {
        if (drivers == null) {
            drivers = DriverCatalog.load();
        }
        return drivers;
    }

    PilotdConfig config() {
        if (config == null) {
            ConfigSource source = configSource();
            if (source.isBuiltIn()) {
                config = DefaultConfig.create(DataDirs.resolve(options.dataDir, null));
            } else {
                config = new ConfigLoader(inspectsOnly ? ConfigValidator.forInspection(drivers())
                        : new ConfigValidator(drivers())).load(source.file());
            }
        }
        return config;
    }

    /**
     * The config file read and validated again, as the daemon's start did (a reload).
     *
     * @throws ConfigException naming every problem of the file
     */
    PilotdConfig reread() {
        ConfigSource source = configSource();
        if (source.isBuiltIn()) {
            throw new ConfigException("(built-in)", "pilotd runs on its built-in config: there is no file to read again");
        }
        return new ConfigLoader(new ConfigValidator(drivers())).load(source.file());
    }

    Path dataDir() {
        if (dataDir == null) {
            dataDir = DataDirs.resolve(options.dataDir, config().director().dataDir());
        }
        return dataDir;
    }

    /** The database, with its schema current (see {@link Database#ensureSchema()}). */
    Database database() {
        if (database == null) {
            database = Database.open(config().database(), dataDir(), env);
            database.ensureSchema();
        }
        return database;
    }

    /** The database as it is, for the commands that manage its schema. */
    Database rawDatabase() {
        if (database == null) {
            database = Database.open(config().database(), dataDir(), env);
        }
        return database;
    }

    /**
     * The driver a pilot was started with (its driver set-up's, whatever the config says now),
     * built once per command.
     */
    PilotDriver driverOf(PilotRecord pilot) {
        if (pilot.driverSetupId() == null) {
            throw new IllegalStateException("pilot " + pilot.stamp() + " was written before pilotd recorded driver set-ups:"
                    + " its driver is not known");
        }
        return setupDrivers.computeIfAbsent(pilot.driverSetupId(), id -> {
            DriverSetups.Setup setup = new DriverSetups(database().jdbi()).get(id);
            try {
                return QueueDrivers.forSetup(setup, drivers(), DirectorId.of(config().director()), dataDir());
            } catch (IllegalStateException e) {
                throw new IllegalStateException("[" + setup.queue() + "] the driver of pilot " + pilot.stamp()
                        + " cannot be built: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void close() {
        setupDrivers.values().forEach(PilotDriver::close);
        if (database != null) {
            database.close();
        }
    }
}
