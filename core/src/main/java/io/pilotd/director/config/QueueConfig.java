package io.pilotd.director.config;

import java.time.Duration;
import java.util.Map;

/**
 * One computing endpoint of one site: DIRAC's Site / CE / Queue, with its driver and limits.
 *
 * @param name  this queue's unique name in pilotd (what the CLI takes)
 * @param queue the queue's name at the CE (DIRAC's Queue)
 * @param cycle how often this queue's cycle runs (DIRAC PollingTime)
 * @param consistencyWindow how long a new pilot may be missing from the cloud's listings before
 *                          its absence means anything (null: the driver's own default)
 * @param proxy the queue's own proxy settings, over the global ones
 * @param pilot the queue's own pilot settings, over the global ones
 * @param price what its pilots cost (null: not priced)
 */
public record QueueConfig(
        String name,
        String site,
        String ce,
        String queue,
        String driver,
        Boolean enabled,
        Duration cycle,
        Duration consistencyWindow,
        QueueLimits limits,
        Matching matching,
        Map<String, Object> parameters,
        ProxySettings proxy,
        PilotSettings pilot,
        Price price) {

    public static final Duration DEFAULT_CYCLE = Duration.ofMinutes(2);

    public QueueConfig {
        enabled = enabled == null || enabled;
        cycle = cycle == null ? DEFAULT_CYCLE : cycle;
        limits = limits == null ? QueueLimits.unset() : limits;
        matching = matching == null ? Matching.any() : matching;
        parameters = parameters == null ? Map.of() : parameters;
        proxy = proxy == null ? ProxySettings.none() : proxy;
        pilot = pilot == null ? PilotSettings.none() : pilot;
    }

    /** A queue with the global proxy and pilot settings. */
    public QueueConfig(String name, String site, String ce, String queue, String driver, Boolean enabled, Duration cycle,
                       Duration consistencyWindow, QueueLimits limits, Matching matching, Map<String, Object> parameters) {
        this(name, site, ce, queue, driver, enabled, cycle, consistencyWindow, limits, matching, parameters, null, null, null);
    }

    /** A queue with its own proxy and pilot settings, not priced. */
    public QueueConfig(String name, String site, String ce, String queue, String driver, Boolean enabled, Duration cycle,
                       Duration consistencyWindow, QueueLimits limits, Matching matching, Map<String, Object> parameters,
                       ProxySettings proxy, PilotSettings pilot) {
        this(name, site, ce, queue, driver, enabled, cycle, consistencyWindow, limits, matching, parameters, proxy, pilot, null);
    }
}
