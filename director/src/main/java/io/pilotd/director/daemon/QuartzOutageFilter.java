package io.pilotd.director.daemon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.pilotd.director.store.DatabaseHealth;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Keeps Quartz quiet about a database outage: its threads report a lost connection every few
 * seconds each, while {@link DatabaseHealth} has said it once already. Quartz's other errors
 * pass.
 */
final class QuartzOutageFilter extends TurboFilter {
    private QuartzOutageFilter() {
    }

    /** Installs the filter once in the logging in use, if it is logback. */
    static void install() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context
                && context.getTurboFilterList().stream().noneMatch(QuartzOutageFilter.class::isInstance)) {
            QuartzOutageFilter filter = new QuartzOutageFilter();
            filter.start();
            context.addTurboFilter(filter);
        }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (!logger.getName().startsWith("org.quartz") || !level.isGreaterOrEqual(Level.WARN)) {
            return FilterReply.NEUTRAL;
        }
        Throwable cause = t;
        if (cause == null && params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last) {
            cause = last;
        }
        return cause != null && DatabaseHealth.isConnectionFailure(cause) ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
