package io.pilotd.director.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.pilotd.director.testing.CapturedLog;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A due cycle covered by the queue's previous one is counted every time, said once a run, and the next cycle says how many. */
class SkippedCyclesTest {
    @Test
    void everySkipIsCountedTheFirstOfARunWarnedAndTheNextCycleSaysHowMany() {
        List<String> counted = new ArrayList<>();
        SkippedCycles skipped = new SkippedCycles(counted::add);
        try (CapturedLog log = CapturedLog.atTrace()) {
            skipped.started("q");
            skipped.skipped("q");
            skipped.skipped("q");
            skipped.skipped("other");
            skipped.started("q");
            skipped.skipped("q");

            List<ILoggingEvent> said = log.events().stream()
                    .filter(e -> e.getLoggerName().equals(SkippedCycles.class.getName())).toList();
            assertThat(counted).containsExactly("q", "q", "other", "q");
            assertThat(said).extracting(ILoggingEvent::getLevel)
                    .containsExactly(Level.WARN, Level.WARN, Level.INFO, Level.WARN);
            assertThat(said.get(2).getFormattedMessage()).isEqualTo("[q] cycles again; 2 due cycle(s) were covered by the one before");
        }
    }
}
