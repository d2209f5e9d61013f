package io.pilotd.director.background;

import io.pilotd.driver.api.Durations;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A director's background work: its periodic tasks (the watchdog, the DIRAC poll, the
 * PilotAgents mirror, the history's retention) and its one-off delayed runs (wake-ups), on one
 * runtime. Each task is named (its thread bears the name), each run is measured, whatever a run
 * throws is caught and logged, an {@link Error} too (a task of {@code scheduleWithFixedDelay}
 * that throws is never run again, and says nothing), a task that keeps failing is backed off,
 * and {@link #close()} stops every task together.
 */
public final class Background implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Background.class);
    /** The longest a failing task waits for its next run, unless its period is longer. */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

    /** Where runs wait for their time: threads in the daemon, a hand-cranked timer in tests. */
    public interface Timer extends AutoCloseable {
        /**
         * Runs {@code run} after {@code delay} on the thread of task {@code task}, one run of a
         * task at a time.
         *
         * @throws RejectedExecutionException once closed
         */
        void schedule(String task, Duration delay, Runnable run);

        /** Stops every task's thread, waiting a while for the runs in flight. */
        @Override
        void close();
    }

    /** Told of every run: what the metrics count. */
    @FunctionalInterface
    public interface Listener {
        void ran(String task, Duration took, Throwable failure);
    }

    /** The work of a periodic task. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    /** A task's runs so far. */
    public record Figures(String task, long runs, long failures, int failingInARow) {
    }

    private final Timer timer;
    private final Listener listener;
    private final Map<String, Periodic> periodic = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public Background(Timer timer, Listener listener) {
        this.timer = timer;
        this.listener = listener;
    }

    /** On threads of its own, one per task, named {@code pilotd-TASK}. */
    public static Background threads(Listener listener) {
        return new Background(new ThreadTimer(), listener);
    }

    /**
     * Runs {@code work} every {@code period} from {@code first} on, each run {@code period} after
     * the last one ended; after a failed run the next waits twice as long as the one before, up
     * to {@link #MAX_BACKOFF} (or the period, when longer), and a run that succeeds puts it back.
     */
    public void every(String task, Duration first, Duration period, Work work) {
        Periodic p = new Periodic(task, period, work);
        if (periodic.putIfAbsent(task, p) != null) {
            throw new IllegalStateException("background task " + task + " is running already");
        }
        log.debug("background task {} every {}", task, Durations.format(period));
        p.schedule(first);
    }

    /**
     * Runs {@code work} once after {@code delay} on the thread of {@code task}.
     *
     * @return false when the runtime is closed
     */
    public boolean after(String task, Duration delay, Runnable work) {
        if (closed) {
            return false;
        }
        try {
            timer.schedule(task, delay, () -> measured(task, work::run));
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** The runs of every periodic task so far. */
    public Map<String, Figures> figures() {
        Map<String, Figures> figures = new ConcurrentHashMap<>();
        periodic.forEach((task, p) -> figures.put(task, p.figures()));
        return figures;
    }

    private Throwable measured(String task, Work work) {
        long start = System.nanoTime();
        Throwable failure = null;
        try {
            work.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
        }
        if (failure != null && !closed) {
            log.error("background task {} failed: {}", task, failure.toString(), failure);
        }
        try {
            listener.ran(task, Duration.ofNanos(System.nanoTime() - start), failure);
        } catch (RuntimeException e) {
            log.warn("background task {}: its run could not be counted: {}", task, e.toString());
        }
        return failure;
    }

    /** Stops every task: no run starts after this returns, and the runs in flight were waited for a while. */
    @Override
    public void close() {
        closed = true;
        timer.close();
    }

    private final class Periodic {
        private final String task;
        private final Duration period;
        private final Work work;
        private long runs;
        private long failures;
        private int failingInARow;

        Periodic(String task, Duration period, Work work) {
            this.task = task;
            this.period = period;
            this.work = work;
        }

        void schedule(Duration delay) {
            if (closed) {
                return;
            }
            try {
                timer.schedule(task, delay, this::run);
            } catch (RejectedExecutionException e) {
                // closed meanwhile: the task stops with the others
            }
        }

        private void run() {
            Throwable failure = measured(task, work);
            synchronized (this) {
                runs++;
                if (failure == null) {
                    failingInARow = 0;
                } else {
                    failures++;
                    failingInARow++;
                }
            }
            schedule(next());
        }

        synchronized Duration next() {
            if (failingInARow == 0) {
                return period;
            }
            Duration cap = period.compareTo(MAX_BACKOFF) > 0 ? period : MAX_BACKOFF;
            Duration backedOff = period.multipliedBy(1L << Math.min(failingInARow, 20));
            return backedOff.compareTo(cap) > 0 ? cap : backedOff;
        }

        synchronized Figures figures() {
            return new Figures(task, runs, failures, failingInARow);
        }
    }
}
