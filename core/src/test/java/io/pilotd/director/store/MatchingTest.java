package io.pilotd.director.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.Matching;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.testing.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A queue's demand: the waiting jobs of the task queues it can serve, as the queue_demand view counts them. */
class MatchingTest {
    private static final String SITE = "CLOUD.Test.de";

    private Database db;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    /** The queue every case is matched against, unless a case changes it. */
    private static Matching offered() {
        return new Matching("lhcb", "EL9-x86_64", List.of("GPU", "MultiProcessor"), List.of(), List.of(), 4, 8000, 172800L);
    }

    private static TaskQueueSpec wanted() {
        return new TaskQueueSpec("lhcb", "lhcb_user", "someone", 3600, 1, 2000, 1, List.of(), List.of(), List.of(), List.of());
    }

    private int demand(Matching matching, TaskQueueSpec spec) {
        new SiteStore(db.jdbi()).sync(Map.of(SITE, SiteConfig.uncapped()), true);
        new QueueStore(db.jdbi()).sync(List.of(new QueueConfig("q", SITE, "ce", "default", "fake", true,
                Duration.ofMinutes(1), null, new QueueLimits(10, 10, 10, null, null, null, null), matching, Map.of())), true);
        db.jdbi().useHandle(h -> h.execute("delete from task_queue"));
        new TaskQueueStore(db.jdbi()).add(spec, 5);
        return new SharedDemand(db.jdbi()).of(List.of("q")).get("q").waitingJobs();
    }

    private static TaskQueueSpec with(TaskQueueSpec s, String vo, String group, List<String> sites, List<String> banned,
                                      List<String> platforms, List<String> tags) {
        return new TaskQueueSpec(vo, group, s.owner(), s.cpuTime(), s.processors(), s.ramMB(), s.priority(), sites, banned,
                platforms, tags);
    }

    private static TaskQueueSpec sized(int processors, int ramMB, long cpuTime) {
        TaskQueueSpec s = wanted();
        return new TaskQueueSpec(s.vo(), s.ownerGroup(), s.owner(), cpuTime, processors, ramMB, s.priority(), s.sites(),
                s.bannedSites(), s.platforms(), s.tags());
    }

    @Test
    void aPlainTaskQueueOfTheVoMatches() {
        assertThat(demand(offered(), wanted())).isEqualTo(5);
    }

    @Test
    void voAndOwnerGroup() {
        TaskQueueSpec s = wanted();
        assertThat(demand(offered(), with(s, "atlas", "lhcb_user", List.of(), List.of(), List.of(), List.of()))).isZero();
        Matching anyVo = new Matching(null, "EL9-x86_64", List.of(), List.of(), List.of(), 4, null, null);
        assertThat(demand(anyVo, with(s, "atlas", "lhcb_user", List.of(), List.of(), List.of(), List.of()))).isEqualTo(5);
        Matching prodOnly = new Matching("lhcb", null, List.of(), List.of(), List.of("lhcb_prod"), 4, null, null);
        assertThat(demand(prodOnly, wanted())).isZero();
        assertThat(demand(prodOnly, with(s, "lhcb", "lhcb_prod", List.of(), List.of(), List.of(), List.of()))).isEqualTo(5);
    }

    @Test
    void allowedAndBannedSites() {
        TaskQueueSpec s = wanted();
        assertThat(demand(offered(), with(s, "lhcb", "lhcb_user", List.of("LCG.CERN.cern"), List.of(), List.of(), List.of()))).isZero();
        assertThat(demand(offered(), with(s, "lhcb", "lhcb_user", List.of("LCG.CERN.cern", SITE), List.of(), List.of(), List.of())))
                .isEqualTo(5);
        assertThat(demand(offered(), with(s, "lhcb", "lhcb_user", List.of(), List.of(SITE), List.of(), List.of()))).isZero();
    }

    @Test
    void platforms() {
        TaskQueueSpec s = wanted();
        assertThat(demand(offered(), with(s, "lhcb", "lhcb_user", List.of(), List.of(), List.of("EL9-x86_64", "EL8-x86_64"), List.of())))
                .isEqualTo(5);
        assertThat(demand(offered(), with(s, "lhcb", "lhcb_user", List.of(), List.of(), List.of("EL8-x86_64"), List.of()))).isZero();
        Matching noPlatform = new Matching("lhcb", null, List.of(), List.of(), List.of(), 4, null, null);
        assertThat(demand(noPlatform, with(s, "lhcb", "lhcb_user", List.of(), List.of(), List.of("EL9-x86_64"), List.of()))).isZero();
    }

    @Test
    void tagsBothWays() {
        TaskQueueSpec s = wanted();
        assertThat(demand(offered(), with(s, "lhcb", "lhcb_user", List.of(), List.of(), List.of(), List.of("GPU")))).isEqualTo(5);
        assertThat(demand(offered(), with(s, "lhcb", "lhcb_user", List.of(), List.of(), List.of(), List.of("GPU", "WholeNode"))))
                .as("a tag the queue does not offer").isZero();
        Matching wholeNodeOnly = new Matching("lhcb", null, List.of("WholeNode"), List.of("WholeNode"), List.of(), 4, null, null);
        assertThat(demand(wholeNodeOnly, wanted())).as("the queue requires a tag the task queue lacks").isZero();
        assertThat(demand(wholeNodeOnly, with(s, "lhcb", "lhcb_user", List.of(), List.of(), List.of(), List.of("WholeNode"))))
                .isEqualTo(5);
    }

    @Test
    void processorsMemoryAndCpuTimeMustFit() {
        assertThat(demand(offered(), sized(4, 8000, 172800))).isEqualTo(5);
        assertThat(demand(offered(), sized(8, 2000, 3600))).isZero();
        assertThat(demand(offered(), sized(1, 16000, 3600))).isZero();
        assertThat(demand(offered(), sized(1, 2000, 200000))).isZero();
        Matching anySize = new Matching("lhcb", null, List.of(), List.of(), List.of(), 4, null, null);
        assertThat(demand(anySize, sized(1, 64000, 10_000_000))).isEqualTo(5);
    }

    @Test
    void onlyWaitingJobsOfEnabledTaskQueuesCount() {
        assertThat(demand(offered(), wanted())).isEqualTo(5);
        db.jdbi().useHandle(h -> h.execute("update task_queue_job set status = 'Matched' where id in (select id from task_queue_job limit 2)"));
        assertThat(new SharedDemand(db.jdbi()).of(List.of("q")).get("q").waitingJobs()).isEqualTo(3);
        db.jdbi().useHandle(h -> h.execute("update task_queue set enabled = false"));
        assertThat(new SharedDemand(db.jdbi()).of(List.of("q")).get("q").waitingJobs()).isZero();
    }
}
