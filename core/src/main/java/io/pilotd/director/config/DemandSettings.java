package io.pilotd.director.config;

import java.time.Duration;

/**
 * Where the director's demand comes from, and how fast it answers new jobs.
 *
 * @param source  {@code pilotd}: pilotd's own task queue, in its database (the default);
 *                {@code dirac}: a live DIRAC TaskQueueDB, read-only ({@code dirac.taskQueueDB})
 * @param poll    dirac: how often DIRAC's TaskQueueDB is read (default 10s)
 * @param wakeUp  run the cycles of the queues that serve new waiting jobs at once, instead of at
 *                their next period (default true)
 * @param minGap  the least time between the start of a queue's cycle and a wake-up's cycle of
 *                the same queue (default 10s): a stream of jobs wakes a queue at most this often
 */
public record DemandSettings(String source, Duration poll, Boolean wakeUp, Duration minGap) {
    public static final String PILOTD = "pilotd";
    public static final String DIRAC = "dirac";

    public static DemandSettings defaults() {
        return new DemandSettings(null, null, null, null);
    }

    public DemandSettings {
        source = source == null ? PILOTD : source;
        poll = poll == null ? Duration.ofSeconds(10) : poll;
        wakeUp = wakeUp == null || wakeUp;
        minGap = minGap == null ? Duration.ofSeconds(10) : minGap;
    }

    public boolean fromDirac() {
        return DIRAC.equals(source);
    }
}
