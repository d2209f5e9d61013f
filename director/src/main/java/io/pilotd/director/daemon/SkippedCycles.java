package io.pilotd.director.daemon;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The due cycles a queue's previous cycle, still running, covers: none is dropped silently. The
 * first of a run of them is a WARN (the queue's cycle takes longer than its period), the next
 * ones are counted (the metric {@code pilotd_cycles_skipped_total}), and the queue's next cycle says
 * how many it covered.
 */
final class SkippedCycles {
    private static final Logger log = LoggerFactory.getLogger(SkippedCycles.class);

    private final Map<String, Integer> inARow = new ConcurrentHashMap<>();
    private final Consumer<String> counted;

    SkippedCycles(Consumer<String> counted) {
        this.counted = counted;
    }

    /** A due cycle of the queue found its previous one still waiting or running. */
    void skipped(String queue) {
        counted.accept(queue);
        if (inARow.merge(queue, 1, Integer::sum) == 1) {
            log.warn("[{}] its cycle due now is covered by its previous one, still running (a cycle longer than its"
                    + " period): skipped, and counted in pilotd_cycles_skipped_total", queue);
        }
    }

    /** A cycle of the queue started. */
    void started(String queue) {
        Integer skipped = inARow.remove(queue);
        if (skipped != null) {
            log.info("[{}] cycles again; {} due cycle(s) were covered by the one before", queue, skipped);
        }
    }
}
