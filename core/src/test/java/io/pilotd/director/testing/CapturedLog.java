package io.pilotd.director.testing;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Every logger at TRACE (or one class's at INFO), everything they log kept, until closed (the levels are put back). */
public final class CapturedLog implements AutoCloseable {
    private final Logger root;
    private final Logger pilotd = (Logger) LoggerFactory.getLogger("io.pilotd");
    private final Level rootLevel;
    private final Level pilotdLevel = pilotd.getLevel();
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();

    private CapturedLog(String logger, Level level) {
        root = (Logger) LoggerFactory.getLogger(logger);
        rootLevel = root.getLevel();
        events.start();
        root.addAppender(events);
        root.setLevel(level);
        pilotd.setLevel(logger.equals(org.slf4j.Logger.ROOT_LOGGER_NAME) ? level : pilotdLevel);
    }

    public static CapturedLog atTrace() {
        return new CapturedLog(org.slf4j.Logger.ROOT_LOGGER_NAME, Level.TRACE);
    }

    /** What one class logs at INFO and above, the rest's levels left as they are. */
    public static CapturedLog of(Class<?> logger) {
        return new CapturedLog(logger.getName(), Level.INFO);
    }

    /** What was logged so far, by any thread: the appender appends under its own lock, so it is copied under it. */
    public List<ILoggingEvent> events() {
        synchronized (events) {
            return List.copyOf(events.list);
        }
    }

    /** Every message, with its exception's stack trace. */
    public String text() {
        return events().stream().map(e -> e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : "\n" + ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .collect(Collectors.joining("\n"));
    }

    /** No PEM block and no line of the proxy's in the text. */
    public static void assertNoProxyIn(String text, String pem) {
        assertThat(text).doesNotContain("PRIVATE KEY").doesNotContain("BEGIN CERTIFICATE");
        for (String line : pem.lines().filter(l -> l.length() == 64).toList()) {
            assertThat(text).doesNotContain(line);
        }
    }

    @Override
    public void close() {
        root.detachAppender(events);
        root.setLevel(rootLevel);
        pilotd.setLevel(pilotdLevel);
    }
}
