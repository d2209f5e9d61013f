package io.pilotd.director.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Sets how much a command logs (logback's config file sets where and how). */
final class Logging {
    private Logging() {
    }

    static void configure(boolean verbose, boolean daemon) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger pilotd = (Logger) LoggerFactory.getLogger("io.pilotd");
        if (verbose) {
            pilotd.setLevel(Level.DEBUG);
            root.setLevel(Level.INFO);
        } else {
            pilotd.setLevel(daemon ? Level.INFO : Level.WARN);
            root.setLevel(Level.WARN);
        }
    }
}
