package io.pilotd.director.daemon;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Quartz's job for the database's history: trims what is older than {@code director.retention}. */
@DisallowConcurrentExecution
public final class RetentionJob implements Job {
    private static final Logger log = LoggerFactory.getLogger(RetentionJob.class);

    private final Director director;
    private final DatabaseHealth health;

    RetentionJob(Director director, DatabaseHealth health) {
        this.director = director;
        this.health = health;
    }

    @Override
    public void execute(JobExecutionContext context) {
        try {
            director.trimHistory();
        } catch (RuntimeException e) {
            if (!health.failed(e)) {
                log.warn("trimming the history failed, tried again at the next run: {}", e.getMessage(), e);
            }
        }
    }
}
