package io.pilotd.director.background;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A thread for each task, so that a task that blocks (a DIRAC database out of reach) delays no
 * other: daemon threads, named {@code pilotd-TASK}.
 */
final class ThreadTimer implements Background.Timer {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final Map<String, ScheduledThreadPoolExecutor> threads = new ConcurrentHashMap<>();
    private boolean closed;

    @Override
    public synchronized void schedule(String task, Duration delay, Runnable run) {
        if (closed) {
            throw new RejectedExecutionException("closed");
        }
        threads.computeIfAbsent(task, t -> {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
                Thread thread = new Thread(r, "pilotd-" + t);
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
            return executor;
        }).schedule(run, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        List<ScheduledThreadPoolExecutor> all;
        synchronized (this) {
            closed = true;
            all = List.copyOf(threads.values());
        }
        all.forEach(ScheduledThreadPoolExecutor::shutdownNow);
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        try {
            for (ScheduledThreadPoolExecutor executor : all) {
                executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
