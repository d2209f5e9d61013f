package io.pilotd.director.config;

import java.time.Duration;

/**
 * @param id          tags every cloud resource this director starts; unique per director
 *                    (default: the host name)
 * @param dataDir     where the embedded database and the drivers' state live (default:
 *                    {@code $XDG_DATA_HOME/pilotd} or {@code ~/.local/share/pilotd})
 * @param metricsPort port of the metrics, health and status page endpoint; 0 (the default) turns it off
 * @param metricsAddress the address it listens on (default: 127.0.0.1, this host only)
 * @param clustered   share the queues with other directors on the same database (Quartz
 *                    clustered job store): each queue is cycled by one of them at a time
 * @param threads     how many queue cycles may run at once
 * @param shutdownGrace how long SIGTERM waits for the cycles in flight
 * @param sweepEvery  every how many cycles of a queue the orphan sweep runs (and at start-up)
 * @param maxSubmitCount the most pilots one {@code pilotd submit --count} may ask for
 * @param retention   how long cycle records and pilots' status history are kept
 */
public record DirectorSettings(String id, String dataDir, Integer metricsPort, String metricsAddress,
                               Boolean clustered,
                               Integer threads, Duration shutdownGrace, Integer sweepEvery, Integer maxSubmitCount,
                               RetentionSettings retention) {
    public static final int DEFAULT_SWEEP_EVERY = 10;
    public static final int DEFAULT_MAX_SUBMIT_COUNT = 1000;
    public static final String DEFAULT_METRICS_ADDRESS = "127.0.0.1";

    public static DirectorSettings defaults() {
        return new DirectorSettings(null, null, null, null, null, null, null, null, null, null);
    }

    public DirectorSettings {
        metricsPort = metricsPort == null ? 0 : metricsPort;
        metricsAddress = metricsAddress == null ? DEFAULT_METRICS_ADDRESS : metricsAddress;
        clustered = clustered != null && clustered;
        threads = threads == null ? 4 : threads;
        shutdownGrace = shutdownGrace == null ? Duration.ofMinutes(2) : shutdownGrace;
        sweepEvery = sweepEvery == null ? DEFAULT_SWEEP_EVERY : sweepEvery;
        maxSubmitCount = maxSubmitCount == null ? DEFAULT_MAX_SUBMIT_COUNT : maxSubmitCount;
        retention = retention == null ? RetentionSettings.defaults() : retention;
    }

    public DirectorSettings withDataDir(String dir) {
        return new DirectorSettings(id, dir, metricsPort, metricsAddress, clustered, threads, shutdownGrace, sweepEvery, maxSubmitCount,
                retention);
    }
}
