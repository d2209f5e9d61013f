package io.pilotd.director.dirac;

import io.pilotd.director.store.PilotAgentsOutbox;
import io.pilotd.driver.api.Durations;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps DIRAC's PilotAgents table in step with pilotd's pilots, every {@code dirac.mirrorEvery},
 * in batches. pilotd's database stays the truth: the mirror only reads it (its outbox), and an
 * outage of DIRAC's database lets the outbox grow, never stops a cycle; the first round after it
 * copies everything that changed meanwhile.
 */
public final class PilotAgentsMirror implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PilotAgentsMirror.class);
    static final int BATCH = 500;

    private final PilotAgentsOutbox outbox;
    private final PilotAgentsWriter writer;
    private final ScheduledExecutorService timer;
    private boolean failing;

    public PilotAgentsMirror(PilotAgentsOutbox outbox, PilotAgentsWriter writer) {
        this.outbox = outbox;
        this.writer = writer;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dirac-pilotagents");
            t.setDaemon(true);
            return t;
        });
    }

    public void start(Duration every) {
        log.info("pilots mirrored to DIRAC's PilotAgents table in {}, every {}", writer.database().description(),
                Durations.format(every));
        timer.scheduleWithFixedDelay(this::round, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Copies every change waiting, batch by batch.
     *
     * @return the changes copied; what a failure left stays for the next round
     */
    public int round() {
        int copied = 0;
        try {
            int taken;
            do {
                taken = outbox.drain(BATCH, writer::write);
                copied += taken;
            } while (taken == BATCH);
            if (failing) {
                log.info("DIRAC's PilotAgents table reachable again: {} change(s) of pilots copied", copied);
                failing = false;
            }
        } catch (Exception e) {
            if (!failing) {
                log.warn("cannot copy pilots to DIRAC's PilotAgents table {} (kept, tried again every round): {}",
                        writer.database().description(), e.getMessage());
                failing = true;
            }
        }
        return copied;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writer.database().close();
    }
}
