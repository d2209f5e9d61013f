package io.pilotd.director.testing;

import io.pilotd.director.config.Matching;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.QueueStore;
import io.pilotd.director.store.TaskQueueSpec;
import io.pilotd.director.store.TaskQueueStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Queues and demand for the cycle's tests. */
public final class Queues {
    public static final String VO = "testvo";

    private Queues() {
    }

    public static QueueConfig queue(String name, int maxRunning, int maxWaiting, int maxPerCycle) {
        return new QueueConfig(name, "SITE." + name + ".de", "ce." + name, "default", "fake", true, Duration.ofMinutes(1),
                new QueueLimits(maxRunning, maxWaiting, maxPerCycle, Duration.ofHours(1)),
                new Matching(VO, null, null, null, null, 1, null, null), Map.of());
    }

    public static void sync(Database db, QueueConfig... queues) {
        new QueueStore(db.jdbi()).sync(List.of(queues));
    }

    /** Adds {@code jobs} waiting jobs that only the named queue's site can run. */
    public static void demand(Database db, String queue, int jobs) {
        if (jobs > 0) {
            new TaskQueueStore(db.jdbi()).add(new TaskQueueSpec(VO, "group", "owner", 100, 1, 0, 1,
                    List.of("SITE." + queue + ".de"), List.of(), List.of(), List.of()), jobs);
        }
    }
}
