package io.pilotd.director.daemon;

import io.pilotd.director.store.DatabaseHealth;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz's job for one retired driver set-up: follows its pilots until the last one has ended,
 * then unschedules itself.
 */
@DisallowConcurrentExecution
public final class RetiredSetupJob implements Job {
    private static final Logger log = LoggerFactory.getLogger(RetiredSetupJob.class);

    private final Director director;

    RetiredSetupJob(Director director) {
        this.director = director;
    }

    @Override
    public void execute(JobExecutionContext context) {
        long setup = Long.parseLong(context.getJobDetail().getKey().getName());
        try {
            if (!director.followRetired(setup)) {
                context.getScheduler().deleteJob(context.getJobDetail().getKey());
            }
        } catch (RuntimeException | SchedulerException e) {
            // A database outage is reported once, by the queues' cycles.
            if (DatabaseHealth.isConnectionFailure(e)) {
                return;
            }
            log.error("follow-up of retired driver set-up {} failed: {}", setup, e.getMessage(), e);
        }
    }
}
