package io.pilotd.director.daemon;

import io.pilotd.director.config.QueueConfig;
import io.pilotd.driver.api.Durations;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.impl.matchers.GroupMatcher;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz, with its JDBC job store in pilotd's PostgreSQL: one job and one repeating trigger per
 * shard of queues ({@link QueueShards}), whose fire hands their cycles to the director's
 * threads. Clustered, several directors on one database share the shards and take over a dead
 * one's. (The history's retention is a cluster duty, {@link HistoryRetention}.)
 */
final class QueueScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueScheduler.class);
    static final String GROUP = "queue";
    static final String RETIRED_GROUP = "retired";
    private static final String STARTUP = ".startup";

    /** Where in its period a trigger's cycles fall: spread by its name, the same at every start. */
    static long phase(String trigger, long period) {
        return Math.floorMod(trigger.hashCode() * 2654435761L, Math.max(1, period));
    }

    /** A retired driver set-up whose pilots are followed on its queue's period. */
    record Retired(long setup, Duration cycle) {
    }
    /** The scheduler's name, and its connections' (with a number per scheduler). */
    private static final String DATA_SOURCE = "pilotd";
    private static final AtomicInteger DATA_SOURCES = new AtomicInteger();

    private final Scheduler scheduler;

    private QueueScheduler(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Starts a scheduler of its own for the director, however many directors this JVM runs (the
     * tests run a cluster in one): Quartz finds a scheduler's connections by a JVM-wide name, one
     * per director here, and keeps each scheduler by its name, which is the cluster's (the job
     * store's {@code sched_name}) and so the same for all: each is taken out of Quartz's
     * repository once made, so that the next director makes one of its own.
     */
    static QueueScheduler start(Director director, DataSource dataSource, String directorId, boolean clustered,
                                List<QueueConfig> queues, List<Retired> retired) throws SchedulerException {
        QuartzOutageFilter.install();
        String dataSourceName = DATA_SOURCE + "-" + DATA_SOURCES.incrementAndGet();
        DBConnectionManager.getInstance().addConnectionProvider(dataSourceName, new PoolProvider(dataSource));
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", DATA_SOURCE);
        // clustered: a node of its own for each run, which Quartz recovers when it dies
        p.setProperty("org.quartz.scheduler.instanceId", clustered
                ? directorId + "-" + UUID.randomUUID().toString().substring(0, 8) : directorId);
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        // Shard fires return at once; the retired set-ups' jobs do their work here.
        p.setProperty("org.quartz.threadPool.threadCount", "4");
        p.setProperty("org.quartz.threadPool.threadNamePrefix", "quartz");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        p.setProperty("org.quartz.jobStore.tablePrefix", "qrtz_");
        p.setProperty("org.quartz.jobStore.isClustered", Boolean.toString(clustered));
        // Quartz takes a node for dead after this plus 7.5 s without a check-in: short enough to take
        // over a dead director's queues soon, long enough that a busy machine's pause is no death.
        p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "15000");
        // A cycle that could not run on time runs once when it can, not once per missed period.
        p.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
        // Several due shards per round trip.
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", "8");
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        // After a database outage, find the due cycles again within seconds.
        p.setProperty("org.quartz.scheduler.dbFailureRetryInterval", "5000");
        Scheduler scheduler;
        synchronized (QueueScheduler.class) {
            scheduler = new StdSchedulerFactory(p).getScheduler();
            SchedulerRepository.getInstance().remove(DATA_SOURCE);
        }
        scheduler.setJobFactory((bundle, s) -> {
            Class<?> job = bundle.getJobDetail().getJobClass();
            if (job == RetiredSetupJob.class) {
                return new RetiredSetupJob(director);
            }
            return new QueueCycleJob(director);
        });
        QueueScheduler queueScheduler = new QueueScheduler(scheduler);
        queueScheduler.sync(queues);
        queueScheduler.syncRetired(retired);
        scheduler.start();
        return queueScheduler;
    }

    /**
     * Schedules the queues, a shard to a trigger ({@link QueueShards}): its first cycles at once (a
     * restarted director does not wait a period), then on its period, at a phase of its own
     * within the period so that thousands of queues with one period do not all fall due in the
     * same second. A cycle that is late runs late, never not at all. Shards no longer configured
     * are unscheduled.
     */
    private void sync(List<QueueConfig> queues) throws SchedulerException {
        Set<JobKey> wanted = new HashSet<>();
        Instant now = Instant.now();
        List<QueueShards.Shard> shards = QueueShards.of(queues);
        for (QueueShards.Shard shard : shards) {
            wanted.add(schedule(shard, now));
        }
        log.info("{} queue(s) scheduled on {} trigger(s), each cycling at once and then on its period", queues.size(),
                shards.size());
        for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
            if (!wanted.contains(key)) {
                scheduler.deleteJob(key);
                log.debug("trigger {} no longer configured: unscheduled", key.getName());
            }
        }
    }

    /**
     * Schedules one shard: its first cycles at once, then on its period at its phase; one
     * scheduled already with the same queues and period keeps its phase and only gets its first
     * cycles.
     */
    private JobKey schedule(QueueShards.Shard shard, Instant now) throws SchedulerException {
        JobKey jobKey = JobKey.jobKey(shard.name(), GROUP);
        long period = shard.period().toMillis();
        String members = String.join(",", shard.queues());
        JobDetail job = JobBuilder.newJob(QueueCycleJob.class).withIdentity(jobKey)
                .withDescription("cycles of " + shard.queues().size() + " queue(s) every " + Durations.format(shard.period()))
                .usingJobData(QueueCycleJob.QUEUES, members).storeDurably().build();
        Trigger first = TriggerBuilder.newTrigger().withIdentity(shard.name() + STARTUP, GROUP).forJob(jobKey)
                .startNow().withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        Trigger periodic = TriggerBuilder.newTrigger().withIdentity(shard.name(), GROUP).forJob(jobKey)
                .startAt(Date.from(now.plusMillis(phase(shard.name(), period))))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(period)
                        .repeatForever().withMisfireHandlingInstructionNowWithExistingCount())
                .build();
        JobDetail existing = scheduler.getJobDetail(jobKey);
        if (existing != null && members.equals(existing.getJobDataMap().getString(QueueCycleJob.QUEUES))
                && scheduler.getTrigger(periodic.getKey()) instanceof SimpleTrigger simple
                && simple.getRepeatInterval() == period) {
            // Scheduled already (by this director before, or by another of its cluster, which
            // may be firing it now): only its first cycles are added, its phase kept.
            if (scheduler.checkExists(first.getKey())) {
                scheduler.rescheduleJob(first.getKey(), first);
            } else {
                scheduler.scheduleJob(first);
            }
        } else {
            scheduler.scheduleJob(job, Set.of(first, periodic), true);
        }
        return jobKey;
    }

    /**
     * A reload's queues, without moving a cycle of a queue that stays: each trigger keeps its
     * fire times and its queues but the removed ones (and those whose period changed); the new
     * queues get triggers of their own, whose first cycles run at once. Every director of a
     * cluster shares the triggers: each must reload the same file.
     */
    void reload(List<QueueConfig> queues, List<Retired> retired) throws SchedulerException {
        Map<String, QueueConfig> byName = new HashMap<>();
        queues.forEach(q -> byName.put(q.name(), q));
        Set<String> placed = new HashSet<>();
        for (JobKey key : scheduler.getJobKeys(GroupMatcher.jobGroupEquals(GROUP))) {
            JobDetail job = scheduler.getJobDetail(key);
            if (job == null || !(scheduler.getTrigger(TriggerKey.triggerKey(key.getName(), GROUP)) instanceof SimpleTrigger t)) {
                scheduler.deleteJob(key);
                continue;
            }
            List<String> members = List.of(job.getJobDataMap().getString(QueueCycleJob.QUEUES).split(","));
            List<String> kept = members.stream().filter(q -> byName.containsKey(q)
                    && byName.get(q).cycle().toMillis() == t.getRepeatInterval()).toList();
            if (kept.isEmpty()) {
                scheduler.deleteJob(key);
            } else if (kept.size() < members.size()) {
                scheduler.addJob(job.getJobBuilder().usingJobData(QueueCycleJob.QUEUES, String.join(",", kept)).build(), true);
            }
            placed.addAll(kept);
        }
        List<QueueConfig> fresh = queues.stream().filter(q -> !placed.contains(q.name())).toList();
        String suffix = "-" + Long.toString(System.currentTimeMillis(), 36);
        for (QueueShards.Shard shard : QueueShards.of(fresh)) {
            schedule(new QueueShards.Shard(shard.name() + suffix, shard.period(), shard.queues()), Instant.now());
        }
        syncRetired(retired);
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
