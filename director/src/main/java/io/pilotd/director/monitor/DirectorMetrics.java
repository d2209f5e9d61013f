package io.pilotd.director.monitor;

import io.pilotd.director.store.CycleRecord;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.RetryableDriverException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;

/**
 * What the daemon counts as it goes: its cycles, its submissions and every driver call. What it
 * holds (pilots, back-off, proxies, the pool) is read when scraped ({@link StateCollector}).
 * Queue labels only where one series per queue says something a director-wide one cannot.
 */
public final class DirectorMetrics {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram cycleDuration;
    private final Histogram cycleLag;
    private final Counter cycles;
    private final Counter cycleErrors;
    private final Counter cyclesSkipped;
    private final Counter submitted;
    private final Counter submissionFailures;
    private final Histogram driverCalls;
    private final Counter driverErrors;
    private final Counter endpointRequests;
    private final Histogram backgroundRuns;
    private final Counter backgroundFailures;

    public DirectorMetrics() {
        JvmMetrics.builder().register(registry);
        cycleDuration = Histogram.builder().name("pilotd_cycle_duration_seconds").unit(Unit.SECONDS)
                .help("How long queue cycles take, cloud calls included")
                .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120).register(registry);
        cycleLag = Histogram.builder().name("pilotd_cycle_lag_seconds").unit(Unit.SECONDS)
                .help("How late queue cycles start after they are due (threads all busy)")
                .classicUpperBounds(0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600).register(registry);
        cycles = Counter.builder().name("pilotd_cycles").help("Queue cycles run").labelNames("queue").register(registry);
        cycleErrors = Counter.builder().name("pilotd_cycle_errors")
                .help("Queue cycles with an error in one of their steps").labelNames("queue").register(registry);
        cyclesSkipped = Counter.builder().name("pilotd_cycles_skipped")
                .help("Due cycles covered by the queue's previous cycle, still running when they fell due")
                .labelNames("queue").register(registry);
        submitted = Counter.builder().name("pilotd_pilots_submitted").help("Pilots the cloud accepted")
                .labelNames("queue").register(registry);
        submissionFailures = Counter.builder().name("pilotd_submission_failures")
                .help("Submissions that failed: refused (nothing started), not_carried_out (throttled, not sent),"
                        + " outcome_unknown (lost answer: resolved by asking the cloud)")
                .labelNames("queue", "reason").register(registry);
        driverCalls = Histogram.builder().name("pilotd_driver_call_duration_seconds").unit(Unit.SECONDS)
                .help("Driver calls (one per submission, status, kill, look-up or listing), errors included")
                .labelNames("driver", "call")
                .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60).register(registry);
        driverErrors = Counter.builder().name("pilotd_driver_call_errors")
                .help("Driver calls that failed, by kind: refused, not_carried_out, outcome_unknown, error")
                .labelNames("driver", "call", "kind").register(registry);
        endpointRequests = Counter.builder().name("pilotd_endpoint_requests")
                .help("Requests the serverless endpoint answered, by HTTP status").labelNames("status").register(registry);
        backgroundRuns = Histogram.builder().name("pilotd_background_run_duration_seconds").unit(Unit.SECONDS)
                .help("Runs of the background tasks (watchdog, dirac-poll, pilotagents-mirror, history-retention,"
                        + " wake-up), failed ones included")
                .labelNames("task")
                .classicUpperBounds(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300).register(registry);
        backgroundFailures = Counter.builder().name("pilotd_background_failures")
                .help("Runs of a background task that threw (the task goes on, backed off)").labelNames("task")
                .register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** A queue's driver whose every call is timed and counted here. */
    public PilotDriver metered(String queue, String driverName, PilotDriver driver) {
        return new MeteredDriver(queue, driverName, driver, this);
    }

    public void cycled(CycleRecord cycle) {
        cycles.labelValues(cycle.queue()).inc();
        if (!cycle.errors().isEmpty()) {
            cycleErrors.labelValues(cycle.queue()).inc();
        }
        cycleDuration.observe(seconds(Duration.between(cycle.startedAt(), cycle.endedAt())));
        cycleLag.observe(cycle.lagMillis() / 1000.0);
    }

    /** A due cycle of the queue was covered by its previous one, still running. */
    public void cycleSkipped(String queue) {
        cyclesSkipped.labelValues(queue).inc();
    }

    /** A background task ran (failure is what it threw, or null). */
    public void backgroundRan(String task, Duration took, Throwable failure) {
        backgroundRuns.labelValues(task).observe(seconds(took));
        if (failure != null) {
            backgroundFailures.labelValues(task).inc();
        }
    }

    /** The serverless endpoint answered a request with this status. */
    public void endpointAnswered(int status) {
        endpointRequests.labelValues(Integer.toString(status)).inc();
    }

    void called(String driver, String call, long nanos, Throwable error) {
        driverCalls.labelValues(driver, call).observe(nanos / 1e9);
        if (error != null) {
            driverErrors.labelValues(driver, call, kind(error)).inc();
        }
    }

    void submitted(String queue, int pilots) {
        submitted.labelValues(queue).inc(pilots);
    }

    void submissionFailed(String queue, Throwable error) {
        submissionFailures.labelValues(queue, kind(error)).inc();
    }

    private static String kind(Throwable error) {
        if (error instanceof OutcomeUnknownException) {
            return "outcome_unknown";
        }
        if (error instanceof RetryableDriverException) {
            return "not_carried_out";
        }
        if (error instanceof DriverException) {
            return "refused";
        }
        return "error";
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
