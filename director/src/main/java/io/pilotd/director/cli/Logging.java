package io.pilotd.director.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.Iterator;
import org.slf4j.LoggerFactory;

/**
 * Sets how much a command logs and in which form (logback's config file sets where): lines for
 * people, or one JSON object a line for a log pipeline ({@code --log-format json}).
 */
final class Logging {
    /** How log lines are written. */
    enum Format {
        text, json
    }

    private Logging() {
    }

    static void configure(boolean verbose, boolean daemon, Format format) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger pilotd = (Logger) LoggerFactory.getLogger("io.pilotd");
        if (verbose) {
            pilotd.setLevel(Level.DEBUG);
            root.setLevel(Level.INFO);
        } else {
            pilotd.setLevel(daemon ? Level.INFO : Level.WARN);
            root.setLevel(Level.WARN);
        }
        if (format == Format.json) {
            json(root);
        }
    }

    /** Every console or file appender of the root logger writes JSON lines from now on. */
    private static void json(Logger root) {
        LoggerContext context = root.getLoggerContext();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender
                    && !(appender.getEncoder() instanceof JsonEncoder)) {
                JsonEncoder encoder = new JsonEncoder();
                encoder.setContext(context);
                encoder.setWithContext(false);
                encoder.setWithSequenceNumber(false);
                encoder.setWithNanoseconds(false);
                encoder.start();
                appender.stop();
                appender.setEncoder(encoder);
                appender.start();
            }
        }
    }
}
