package io.pilotd.director.store;

import io.pilotd.director.config.PilotdConfig;
import org.jdbi.v3.core.Jdbi;

/** Writes the config's sites and queues into the database, where the cycle locks and matches them. */
public final class ConfigMirror {
    private ConfigMirror() {
    }

    public static void sync(Jdbi jdbi, PilotdConfig config) {
        new SiteStore(jdbi).sync(config.sites());
        new QueueStore(jdbi).sync(config.queues());
    }
}
