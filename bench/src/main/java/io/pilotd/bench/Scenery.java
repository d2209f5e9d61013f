package io.pilotd.bench;

import io.pilotd.director.config.Matching;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.QueueStore;
import io.pilotd.director.store.SiteStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The data generator: sites (with or without caps), their queues, task queues with waiting jobs,
 * and pilots in any status, written set-based so that a million rows take seconds.
 */
final class Scenery {
    static final String VO = "bench";
    private final Database db;

    Scenery(Database db) {
        this.db = db;
    }

    static QueueConfig queue(String name, String site, int maxPerCycle) {
        return new QueueConfig(name, site, "ce." + name, "default", "fake", true, Duration.ofMinutes(1), null,
                new QueueLimits(1_000_000, 1_000_000, maxPerCycle, Duration.ofHours(24), null, 0, null),
                new Matching(VO, null, null, null, null, 1, null, null), Map.of());
    }

    /** {@code sites} sites of {@code queuesPerSite} queues each, capped or not; returns the queues. */
    List<QueueConfig> queues(int sites, int queuesPerSite, boolean capped, int maxPerCycle) {
        Map<String, SiteConfig> siteConfigs = new LinkedHashMap<>();
        List<QueueConfig> queues = new ArrayList<>();
        for (int s = 0; s < sites; s++) {
            String site = "BENCH.site" + s + ".org";
            siteConfigs.put(site, capped ? new SiteConfig(1_000_000, 1_000_000, 10_000_000) : SiteConfig.uncapped());
            for (int q = 0; q < queuesPerSite; q++) {
                queues.add(queue("s" + s + "q" + q, site, maxPerCycle));
            }
        }
        new SiteStore(db.jdbi()).sync(siteConfigs, true);
        new QueueStore(db.jdbi()).sync(queues, true);
        return queues;
    }

    /** One task queue of {@code jobs} waiting one-core jobs of the bench VO, for any site. */
    void waitingJobs(int jobs) {
        db.jdbi().useTransaction(h -> {
            long tq = h.createQuery("insert into task_queue (owner_group, vo) values ('bench', :vo) returning id")
                    .bind("vo", VO).mapTo(Long.class).one();
            h.createUpdate("insert into task_queue_job (tq_id) select :tq from generate_series(1, :jobs)")
                    .bind("tq", tq).bind("jobs", jobs).execute();
        });
        db.jdbi().useHandle(h -> h.execute("analyze task_queue_job"));
    }

    /** One task queue of {@code jobs} waiting one-core jobs of the bench VO that only {@code site} runs. */
    void waitingJobsAt(String site, int jobs) {
        db.jdbi().useTransaction(h -> {
            long tq = h.createQuery("insert into task_queue (owner_group, vo) values ('bench', :vo) returning id")
                    .bind("vo", VO).mapTo(Long.class).one();
            h.createUpdate("insert into task_queue_site (tq_id, site) values (:tq, :site)").bind("tq", tq).bind("site", site)
                    .execute();
            h.createUpdate("insert into task_queue_job (tq_id) select :tq from generate_series(1, :jobs)")
                    .bind("tq", tq).bind("jobs", jobs).execute();
        });
    }

    /** Every waiting job taken by a pilot, as running pilots take them. */
    void matchWaitingJobs() {
        db.jdbi().useHandle(h -> h.execute("update task_queue_job set status = 'Matched' where status = 'Waiting'"));
    }

    /** {@code perQueue} pilots in {@code status} for each queue named, one statement per queue. */
    void pilots(List<String> queues, int perQueue, String status) {
        db.jdbi().useTransaction(h -> {
            for (String queue : queues) {
                h.createUpdate("""
                                insert into pilot (stamp, job_ref, queue, site, ce, driver, batch_id, director_id, status,
                                                   driver_setup_id)
                                select md5(:queue || '/' || i || '/' || :status), 'fake://bench/' || :queue || '/' || i || '/' || :status,
                                       name, site, ce, driver, 'bench-' || name, 'bench', :status, driver_setup_id
                                from queue, generate_series(1, :n) i where name = :queue""")
                        .bind("queue", queue).bind("n", perQueue).bind("status", status).execute();
            }
        });
        db.jdbi().useHandle(h -> h.execute("analyze pilot"));
    }
}
