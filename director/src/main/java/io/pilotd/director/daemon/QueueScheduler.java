package io.pilotd.director.daemon;

import io.pilotd.director.config.QueueConfig;
import io.pilotd.driver.api.Durations;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import javax.sql.DataSource;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.SimpleTrigger;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz, with its JDBC job store in pilotd's PostgreSQL: one job and one repeating trigger per
 * queue. Clustered, several directors on one database share the queues and take over a dead
 * one's.
 */
final class QueueScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueScheduler.class);
    static final String GROUP = "queue";
    static final String RETIRED_GROUP = "retired";

    /** A retired driver set-up whose pilots are followed on its queue's period. */
    record Retired(long setup, Duration cycle) {
    }
    private static final String DATA_SOURCE = "pilotd";

    private final Scheduler scheduler;

    private QueueScheduler(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    static QueueScheduler start(Director director, DataSource dataSource, String directorId, boolean clustered,
                                int threads, List<QueueConfig> queues, List<Retired> retired) throws SchedulerException {
        DBConnectionManager.getInstance().addConnectionProvider(DATA_SOURCE, new PoolProvider(dataSource));
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", "pilotd");
        p.setProperty("org.quartz.scheduler.instanceId", clustered ? "AUTO" : directorId);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(threads));
        p.setProperty("org.quartz.threadPool.threadNamePrefix", "cycle");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", DATA_SOURCE);
        p.setProperty("org.quartz.jobStore.tablePrefix", "qrtz_");
        p.setProperty("org.quartz.jobStore.isClustered", Boolean.toString(clustered));
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
        // A cycle that could not run on time runs once when it can, not once per missed period.
        p.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
        StdSchedulerFactory factory = new StdSchedulerFactory(p);
        Scheduler scheduler = factory.getScheduler();
        scheduler.setJobFactory((bundle, s) -> bundle.getJobDetail().getJobClass() == RetiredSetupJob.class
                ? new RetiredSetupJob(director) : new QueueCycleJob(director));
        QueueScheduler queueScheduler = new QueueScheduler(scheduler);
        queueScheduler.sync(queues);
        queueScheduler.syncRetired(retired);
        scheduler.start();
        return queueScheduler;
    }

    /** Schedules each queue on its cycle, reschedules a queue whose cycle changed, drops removed ones. */
    private void sync(List<QueueConfig> queues) throws SchedulerException {
        Set<JobKey> wanted = new HashSet<>();
        for (QueueConfig queue : queues) {
            JobKey jobKey = JobKey.jobKey(queue.name(), GROUP);
            wanted.add(jobKey);
            Trigger existing = scheduler.getTrigger(TriggerKey.triggerKey(queue.name(), GROUP));
            long period = queue.cycle().toMillis();
            if (existing instanceof SimpleTrigger simple && simple.getRepeatInterval() == period) {
                continue;
            }
            JobDetail job = JobBuilder.newJob(QueueCycleJob.class).withIdentity(jobKey)
                    .withDescription("cycle of queue " + queue.name()).storeDurably().build();
            Trigger trigger = TriggerBuilder.newTrigger().withIdentity(queue.name(), GROUP).forJob(jobKey).startNow()
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(period)
                            .repeatForever().withMisfireHandlingInstructionNextWithRemainingCount())
                    .build();
            scheduler.scheduleJob(job, Set.of(trigger), true);
            log.info("[{}] scheduled every {}", queue.name(), Durations.format(queue.cycle()));
        }
        for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
            if (!wanted.contains(key)) {
                scheduler.deleteJob(key);
                log.info("[{}] no longer configured: unscheduled", key.getName());
            }
        }
    }

    /** Schedules a follow-up job for each retired set-up this director has a driver for, and no other. */
    private void syncRetired(List<Retired> retired) throws SchedulerException {
        scheduler.deleteJobs(new ArrayList<>(scheduler.getJobKeys(GroupMatcher.jobGroupEquals(RETIRED_GROUP))));
        for (Retired setup : retired) {
            JobKey jobKey = JobKey.jobKey(Long.toString(setup.setup()), RETIRED_GROUP);
            JobDetail job = JobBuilder.newJob(RetiredSetupJob.class).withIdentity(jobKey)
                    .withDescription("follow-up of retired driver set-up " + setup.setup()).storeDurably().build();
            Trigger trigger = TriggerBuilder.newTrigger().withIdentity(jobKey.getName(), RETIRED_GROUP).forJob(jobKey)
                    .startNow().withSchedule(SimpleScheduleBuilder.simpleSchedule()
                            .withIntervalInMilliseconds(setup.cycle().toMillis()).repeatForever()
                            .withMisfireHandlingInstructionNextWithRemainingCount())
                    .build();
            scheduler.scheduleJob(job, Set.of(trigger), true);
        }
    }

    /** Stops taking cycles and waits up to {@code grace} for the ones in flight to finish. */
    void stop(Duration grace) {
        Thread stopper = new Thread(() -> {
            try {
                scheduler.shutdown(true);
            } catch (SchedulerException e) {
                log.warn("stopping the scheduler: {}", e.getMessage());
            }
        }, "scheduler-stop");
        stopper.start();
        try {
            stopper.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (stopper.isAlive()) {
            log.warn("cycles still running after {}s: leaving them", grace.toSeconds());
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    /** Hands Quartz connections from pilotd's own pool. */
    private record PoolProvider(DataSource dataSource) implements ConnectionProvider {
        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
            // The pool belongs to pilotd and is closed with it.
        }

        @Override
        public void initialize() {
            // Nothing to set up: the pool is open already.
        }
    }
}
