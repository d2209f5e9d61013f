package io.pilotd.director.daemon;

import java.time.Instant;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * Quartz's job for a shard of queues with one period ({@link QueueScheduler}): hands each
 * queue's cycle to the director's threads and returns, so that one fire, one Quartz round trip,
 * starts many cycles. Never two fires of one shard at once, across the directors of a cluster
 * too ({@link DisallowConcurrentExecution} is enforced by the job store).
 */
@DisallowConcurrentExecution
public final class QueueCycleJob implements Job {
    /** The job data key of the shard's queue names, comma-separated. */
    static final String QUEUES = "queues";

    private final Director director;

    QueueCycleJob(Director director) {
        this.director = director;
    }

    @Override
    public void execute(JobExecutionContext context) {
        Instant due = context.getScheduledFireTime().toInstant();
        for (String queue : context.getMergedJobDataMap().getString(QUEUES).split(",")) {
            director.handOver(queue, due);
        }
    }
}
