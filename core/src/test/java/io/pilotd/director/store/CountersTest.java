package io.pilotd.director.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.generic.GenericType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The counters a decision reads (live pilots by queue and status, waiting jobs by task queue)
 * equal a count of the rows after any mix of set-based writes, from several sessions at once,
 * rolled back or committed, and after task queues are deleted with their jobs.
 */
class CountersTest {
    private static final String[] STATUSES = {"Submitting", "Submitted", "Waiting", "Scheduled", "Running", "Unknown",
            "Done", "Failed", "Aborted", "Deleted"};
    private Database db;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        Queues.sync(db, Queues.queue("a", 10_000, 10_000, 10_000), Queues.queue("b", 10_000, 10_000, 10_000));
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void pilotCountersEqualTheRowsAfterConcurrentWritesAndRollbacks() throws Exception {
        ExecutorService sessions = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                long seed = s;
                work.add(sessions.submit(() -> randomPilotWrites(new Random(seed), 60)));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            sessions.shutdownNow();
        }
        assertThat(pilotCounters()).isEqualTo(pilotRows()).isNotEmpty();
    }

    @Test
    void waitingJobCountersEqualTheRowsAfterMatchesFinishesAndDeletes() {
        TaskQueueStore tqs = new TaskQueueStore(db.jdbi());
        Queues.demand(db, "a", 300);
        Queues.demand(db, "b", 200);
        Queues.demand(db, "b", 50);
        for (int i = 0; i < 40; i++) {
            tqs.match(i % 2 == 0 ? "a" : "b", "stamp" + i).ifPresent(job -> tqs.finish(job.jobId(), job.jobId() % 3 != 0));
        }
        db.jdbi().useHandle(h -> {
            h.execute("update task_queue_job set status = 'Waiting', pilot_stamp = null where status = 'Failed'");
            h.execute("delete from task_queue_job where id % 7 = 0");
            h.execute("delete from task_queue where id = (select max(id) from task_queue)");
        });
        assertThat(jobCounters()).isEqualTo(jobRows()).hasSize(2);
        assertThat(new QueueStore(db.jdbi()).idle(List.of("a"))).isFalse();
    }

    /** Inserts batches, moves them through statuses and deletes some, each in a transaction that may roll back. */
    private void randomPilotWrites(Random random, int transactions) {
        for (int t = 0; t < transactions; t++) {
            boolean rollBack = random.nextInt(5) == 0;
            String batch = Thread.currentThread().getName() + "-" + t;
            try {
                db.jdbi().useTransaction(h -> {
                    h.createUpdate("""
                                    insert into pilot (stamp, queue, site, ce, driver, batch_id, director_id, status, driver_setup_id)
                                    select md5(:batch || '/' || i), name, site, ce, driver, :batch, 'test', 'Submitting', driver_setup_id
                                    from queue, generate_series(1, :n) i where name = :queue""")
                            .bind("batch", batch).bind("n", 1 + random.nextInt(50)).bind("queue", random.nextBoolean() ? "a" : "b")
                            .execute();
                    for (int step = 0; step < 3; step++) {
                        moveSome(h, batch, STATUSES[1 + random.nextInt(STATUSES.length - 1)], random.nextInt(3));
                    }
                    if (random.nextInt(4) == 0) {
                        h.createUpdate("delete from pilot where batch_id = :batch and id % 2 = 0").bind("batch", batch).execute();
                    }
                    if (rollBack) {
                        throw new IllegalStateException("rolled back on purpose");
                    }
                });
            } catch (IllegalStateException expected) {
                assertThat(expected).hasMessage("rolled back on purpose");
            }
        }
    }

    /** Moves the batch's live pilots with {@code id % 3 == part} (or all, for part 0) to {@code status}. */
    private static void moveSome(Handle h, String batch, String status, int part) {
        h.createUpdate("""
                        update pilot set status = :status, job_ref = coalesce(job_ref, stamp)
                        where batch_id = :batch and pilot_is_alive(status)
                          and (:part = 0 or id % 3 = :part)""")
                .bind("status", status).bind("batch", batch).bind("part", part).execute();
    }

    private Map<String, Integer> pilotCounters() {
        return db.jdbi().withHandle(h -> h.createQuery(
                        "select queue || '/' || status as k, pilots from queue_pilot_count where pilots > 0")
                .setMapKeyColumn("k").setMapValueColumn("pilots").collectInto(new GenericType<>() {
                }));
    }

    private Map<String, Integer> pilotRows() {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        select queue || '/' || status as k, count(*)::integer as pilots from pilot
                        where pilot_is_alive(status) group by queue, status""")
                .setMapKeyColumn("k").setMapValueColumn("pilots").collectInto(new GenericType<>() {
                }));
    }

    private Map<Long, Integer> jobCounters() {
        return db.jdbi().withHandle(h -> h.createQuery("select tq_id, jobs from task_queue_waiting where jobs > 0")
                .setMapKeyColumn("tq_id").setMapValueColumn("jobs").collectInto(new GenericType<>() {
                }));
    }

    private Map<Long, Integer> jobRows() {
        return db.jdbi().withHandle(h -> h.createQuery("""
                        select tq_id, count(*)::integer as jobs from task_queue_job where status = 'Waiting' group by tq_id""")
                .setMapKeyColumn("tq_id").setMapValueColumn("jobs").collectInto(new GenericType<>() {
                }));
    }
}
