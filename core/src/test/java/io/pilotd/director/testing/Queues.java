package io.pilotd.director.testing;

import io.pilotd.director.config.Matching;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.QueueCounts;
import io.pilotd.director.store.QueueStore;
import io.pilotd.director.store.SiteStore;
import io.pilotd.director.store.TaskQueueSpec;
import io.pilotd.director.store.TaskQueueStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Queues and demand for the cycle's tests. */
public final class Queues {
    public static final String VO = "testvo";

    private Queues() {
    }

    public static QueueConfig queue(String name, int maxRunning, int maxWaiting, int maxPerCycle) {
        return new QueueConfig(name, "SITE." + name + ".de", "ce." + name, "default", "fake", true, Duration.ofMinutes(1), null,
                new QueueLimits(maxRunning, maxWaiting, maxPerCycle, Duration.ofHours(1), null, null, null),
                new Matching(VO, null, null, null, null, 1, null, null), Map.of());
    }

    /** Writes the queues, each at an uncapped site of its own unless {@code sites} names it. */
    public static void sync(Database db, Map<String, SiteConfig> sites, QueueConfig... queues) {
        Map<String, SiteConfig> all = new LinkedHashMap<>(sites);
        for (QueueConfig queue : queues) {
            all.putIfAbsent(queue.site(), SiteConfig.uncapped());
        }
        new SiteStore(db.jdbi()).sync(all, true);
        new QueueStore(db.jdbi()).sync(List.of(queues), true);
    }

    public static void sync(Database db, QueueConfig... queues) {
        sync(db, Map.of(), queues);
    }

    /** The queue's live pilot counts, as the decision reads them. */
    public static QueueCounts counts(Database db, String queue) {
        return db.jdbi().inTransaction(h -> new QueueStore(db.jdbi()).counts(h, queue));
    }

    /** Adds {@code jobs} waiting jobs that only the named queue's site can run. */
    public static void demand(Database db, String queue, int jobs) {
        demandAtSite(db, "SITE." + queue + ".de", jobs);
    }

    /** Adds {@code jobs} waiting one-core jobs that any queue of the site can run. */
    public static void demandAtSite(Database db, String site, int jobs) {
        if (jobs > 0) {
            new TaskQueueStore(db.jdbi()).add(new TaskQueueSpec(VO, "group", "owner", 100, 1, 0, 1,
                    List.of(site), List.of(), List.of(), List.of()), jobs);
        }
    }

    /** Adds {@code jobs} waiting jobs of owner group {@code queue.name()}: only a queue taking that group runs them. */
    public static void demandFor(Database db, QueueConfig queue, int jobs) {
        new TaskQueueStore(db.jdbi()).add(new TaskQueueSpec(VO, queue.name(), "owner", 100, 1, 0, 1,
                List.of(queue.site()), List.of(), List.of(), List.of()), jobs);
    }
}
