package io.pilotd.director.daemon;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz's job for one queue: runs its cycle. Never two at once for one queue, also across the
 * directors of a cluster ({@link DisallowConcurrentExecution} is enforced by the job store).
 */
@DisallowConcurrentExecution
public final class QueueCycleJob implements Job {
    private static final Logger log = LoggerFactory.getLogger(QueueCycleJob.class);

    private final Director director;
    private final DatabaseHealth health;

    QueueCycleJob(Director director, DatabaseHealth health) {
        this.director = director;
        this.health = health;
    }

    @Override
    public void execute(JobExecutionContext context) {
        String queue = context.getJobDetail().getKey().getName();
        try {
            director.cycle(queue, context.getScheduledFireTime().toInstant());
            health.succeeded();
        } catch (RuntimeException e) {
            // Never let a cycle's failure reach Quartz, which would log it and nothing else.
            if (!health.failed(e)) {
                log.error("[{}] cycle failed: {}", queue, e.getMessage(), e);
            }
        }
    }
}
