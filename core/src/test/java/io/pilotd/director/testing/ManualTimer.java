package io.pilotd.director.testing;

import io.pilotd.director.background.Background;
import io.pilotd.fakes.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;

/**
 * A background timer a test cranks by hand on a {@link FakeClock}: nothing runs until the test
 * moves the clock, and then on the test's thread, in the order the runs fall due.
 */
public final class ManualTimer implements Background.Timer {
    private record Due(String task, Instant at, long order, Runnable run) {
    }

    private final FakeClock clock;
    private final List<Due> due = new ArrayList<>();
    private long scheduled;
    private boolean closed;

    public ManualTimer(FakeClock clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void schedule(String task, Duration delay, Runnable run) {
        if (closed) {
            throw new RejectedExecutionException("closed");
        }
        due.add(new Due(task, clock.instant().plus(delay), scheduled++, run));
    }

    /** A background runtime on a timer of its own that nothing cranks: for code that is given one but never starts a task in the test. */
    public static Background idle() {
        return new Background(new ManualTimer(new FakeClock()), (task, took, failure) -> { });
    }

    /** Moves the clock by {@code by}, running each run as its time comes (and those it schedules in turn). */
    public void advance(Duration by) {
        Instant until = clock.instant().plus(by);
        while (true) {
            Due next;
            synchronized (this) {
                next = due.stream().filter(d -> !d.at().isAfter(until))
                        .min(Comparator.comparing(Due::at).thenComparingLong(Due::order)).orElse(null);
                if (next == null) {
                    break;
                }
                due.remove(next);
            }
            if (next.at().isAfter(clock.instant())) {
                clock.advance(Duration.between(clock.instant(), next.at()));
            }
            next.run().run();
        }
        if (until.isAfter(clock.instant())) {
            clock.advance(Duration.between(clock.instant(), until));
        }
    }

    /** The runs waiting, by task. */
    public synchronized List<String> waiting() {
        return due.stream().map(Due::task).toList();
    }

    @Override
    public synchronized void close() {
        closed = true;
        due.clear();
    }
}
