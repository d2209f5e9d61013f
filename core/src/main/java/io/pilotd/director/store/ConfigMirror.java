package io.pilotd.director.store;

import io.pilotd.director.config.ClusterSettings;
import io.pilotd.director.config.PilotdConfig;
import org.jdbi.v3.core.Jdbi;

/**
 * Writes the config's sites and queues into the database, where the cycle locks and matches
 * them, and the settings a cluster shares ({@link ClusterSettings}). The daemon owns them: it
 * writes its config at start-up. A CLI command only adds the ones missing, so that a command run
 * with another config file never changes a running director's limits.
 */
public final class ConfigMirror {
    private ConfigMirror() {
    }

    /** The daemon's start: the database takes the config's sites and queues as they are. */
    public static void sync(Jdbi jdbi, PilotdConfig config) {
        new SiteStore(jdbi).sync(config.sites(), true);
        new QueueStore(jdbi).sync(config.queues(), config.dirac().osCompatibility(), true);
        new ClusterSettingStore(jdbi).replace(ClusterSettings.of(config));
    }

    /** A command: adds the sites and queues the database does not have yet, and changes none. */
    public static void addMissing(Jdbi jdbi, PilotdConfig config) {
        new SiteStore(jdbi).sync(config.sites(), false);
        new QueueStore(jdbi).sync(config.queues(), config.dirac().osCompatibility(), false);
    }
}
