package io.pilotd.director.cycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.CycleRecord;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueRow;
import io.pilotd.director.store.QueueStore;
import io.pilotd.director.store.SubmissionLease;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.driver.api.RetryableDriverException;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeClock;
import io.pilotd.fakes.FakeCloud;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QueueCycleTest {
    private static final String DIRECTOR = "cycle-test";

    private Database db;
    private FakeClock clock;
    private QueueCycle cycle;
    private PilotStore pilots;

    @BeforeEach
    void setUp() {
        db = TestDatabases.fresh();
        clock = new FakeClock();
        cycle = newCycle();
        pilots = new PilotStore(db.jdbi());
    }

    private QueueCycle newCycle() {
        return new QueueCycle(db.jdbi(), PilotEnvironment.none(DIRECTOR), DIRECTOR, clock, 10);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    private List<PilotRecord> pilotsOf(String queue) {
        return pilots.list(queue, null, 10_000);
    }

    private Map<PilotStatus, Long> byStatus(String queue) {
        return pilotsOf(queue).stream().collect(Collectors.groupingBy(PilotRecord::status, Collectors.counting()));
    }

    @Test
    void oneCycleSubmitsAtMostMaxPerCycleInOneDriverCall() {
        QueueConfig q = Queues.queue("q", 100, 100, 7);
        Queues.sync(db, q);
        Queues.demand(db, "q", 100);
        FakeCloud cloud = new FakeCloud();

        CycleRecord record = cycle.run("q", cloud.driver(DIRECTOR));

        assertThat(record.submitted()).isEqualTo(7);
        assertThat(record.decidingFactor()).isEqualTo("maxPerCycle");
        assertThat(record.demand()).isEqualTo(100);
        assertThat(cloud.submitCalls).hasValue(1);
        assertThat(cloud.resources()).hasSize(7);
        // followed in the same cycle, with one status call for all of them
        assertThat(cloud.statusCalls).hasValue(1);
        assertThat(byStatus("q")).containsExactly(Map.entry(PilotStatus.Waiting, 7L));
        assertThat(pilotsOf("q")).allSatisfy(p -> assertThat(p.jobRef()).startsWith("fake://cloud/"));
    }

    @Test
    void demandIsMetAndThenNothingMoreIsSubmitted() {
        Queues.sync(db, Queues.queue("q", 10, 10, 10));
        Queues.demand(db, "q", 3);
        FakeCloud cloud = new FakeCloud();
        PilotDriver driver = cloud.driver(DIRECTOR);

        assertThat(cycle.run("q", driver).submitted()).isEqualTo(3);
        CycleRecord second = cycle.run("q", driver);

        assertThat(second.submitted()).isZero();
        assertThat(second.decidingFactor()).isEqualTo("demand");
        assertThat(cloud.submitCalls).hasValue(1);
    }

    @Test
    void aFailingDriverBacksItsQueueOffExponentiallyAndOtherQueuesCarryOn() {
        Queues.sync(db, Queues.queue("broken", 10, 10, 10), Queues.queue("fine", 10, 10, 10));
        Queues.demand(db, "broken", 5);
        Queues.demand(db, "fine", 5);
        FakeCloud brokenCloud = new FakeCloud();
        brokenCloud.failSubmit = new DriverException("InvalidAMIID.NotFound: the image ami-123 does not exist");
        FakeCloud fineCloud = new FakeCloud();
        QueueStore queues = new QueueStore(db.jdbi());

        CycleRecord failed = cycle.run("broken", brokenCloud.driver(DIRECTOR));
        CycleRecord fine = cycle.run("fine", fineCloud.driver(DIRECTOR));

        assertThat(failed.errors()).contains("InvalidAMIID.NotFound");
        assertThat(byStatus("broken")).containsExactly(Map.entry(PilotStatus.Aborted, 5L));
        assertThat(pilotsOf("broken")).allSatisfy(p -> assertThat(p.statusReason()).contains("the image ami-123 does not exist"));
        QueueRow broken = queues.get("broken");
        assertThat(broken.failures()).isEqualTo(1);
        assertThat(broken.backoffUntil()).isEqualTo(clock.instant().plus(Duration.ofMinutes(1)));
        assertThat(broken.lastError()).contains("InvalidAMIID.NotFound");
        assertThat(fine.submitted()).isEqualTo(5);

        CycleRecord inBackOff = cycle.run("broken", brokenCloud.driver(DIRECTOR));
        assertThat(inBackOff.decidingFactor()).isEqualTo("backoff");
        assertThat(brokenCloud.submitCalls).hasValue(1);

        clock.advance(Duration.ofSeconds(61));
        cycle.run("broken", brokenCloud.driver(DIRECTOR));
        assertThat(brokenCloud.submitCalls).hasValue(2);
        assertThat(queues.get("broken").failures()).isEqualTo(2);
        assertThat(queues.get("broken").backoffUntil()).isEqualTo(clock.instant().plus(Duration.ofMinutes(2)));

        brokenCloud.failSubmit = null;
        clock.advance(Duration.ofMinutes(3));
        CycleRecord recovered = cycle.run("broken", brokenCloud.driver(DIRECTOR));
        assertThat(recovered.submitted()).isEqualTo(5);
        assertThat(queues.get("broken").failures()).isZero();
        assertThat(queues.get("broken").backoffUntil()).isNull();
    }

    @Test
    void aCloudOutageBacksTheQueueOffAndItsEndIsSeenAtTheNextCycleNotAtTheBackOffsEnd() {
        Queues.sync(db, Queues.queue("q", 100, 100, 5));
        Queues.demand(db, "q", 100);
        FakeCloud cloud = new FakeCloud(new CloudBehaviour(clock, 1));
        PilotDriver driver = cloud.driver(DIRECTOR);
        cloud.down = new OutcomeUnknownException("Connect timed out");
        QueueStore queues = new QueueStore(db.jdbi());
        for (int i = 0; i < 5; i++) {
            cycle.run("q", driver);
            if (i < 4) {
                clock.advance(Duration.between(clock.instant(), queues.get("q").backoffUntil()).plusSeconds(1));
            }
        }
        assertThat(queues.get("q").failures()).isEqualTo(5);
        assertThat(queues.get("q").backoffUntil()).as("16 cycles away").isAfter(clock.instant().plus(Duration.ofMinutes(15)));

        cloud.down = null;
        clock.advance(Duration.ofMinutes(1));
        CycleRecord answered = cycle.run("q", driver);
        assertThat(answered.decidingFactor()).isEqualTo("backoff");
        assertThat(queues.get("q").backingOff(clock.instant())).as("the probe found the cloud back").isFalse();
        clock.advance(Duration.ofMinutes(1));
        assertThat(cycle.run("q", driver).submitted()).as("submitting within two cycles of its return").isEqualTo(5);
    }

    @Test
    void failedStatusCallsAreRetriedNextCycleAndNeverBackTheQueueOff() {
        Queues.sync(db, Queues.queue("q", 100, 100, 2));
        Queues.demand(db, "q", 100);
        FakeCloud cloud = new FakeCloud(new CloudBehaviour(clock, 1));
        PilotDriver driver = cloud.driver(DIRECTOR);
        cycle.run("q", driver);
        cloud.failStatus = new RetryableDriverException("DescribeInstances: RequestLimitExceeded");
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(1));
            CycleRecord record = cycle.run("q", driver);
            assertThat(record.errors()).contains("following pilots: DescribeInstances: RequestLimitExceeded");
            assertThat(record.submitted()).isEqualTo(2);
        }
        assertThat(new QueueStore(db.jdbi()).get("q").failures()).isZero();
    }

    @Test
    void aQueueWhosePilotsAllFailBeforeRunningBacksOffWithTheReason() {
        Queues.sync(db, Queues.queue("q", 100, 100, 10));
        Queues.demand(db, "q", 100);
        FakeCloud cloud = new FakeCloud(new CloudBehaviour(clock, 1));
        PilotDriver driver = cloud.driver(DIRECTOR);
        cycle.run("q", driver);
        cloud.resources().forEach(r -> cloud.set(r.jobRef(), PilotStatus.Failed));
        clock.advance(Duration.ofMinutes(1));

        cycle.run("q", driver);

        QueueRow q = new QueueStore(db.jdbi()).get("q");
        assertThat(q.backingOff(clock.instant())).isTrue();
        assertThat(q.backoffReason()).isEqualTo(QueueRow.FAILING);
        assertThat(q.lastError()).startsWith("10 of the 10 pilots that ended in the last 1h failed before they ran (last: ");
        clock.advance(Duration.ofSeconds(30));
        CycleRecord next = cycle.run("q", driver);
        assertThat(next.decidingFactor()).isEqualTo("failingPilots");
        assertThat(next.submitted()).isZero();
    }

    @Test
    void aThrottledSubmissionStartedNothingItsRowsAreAbortedAtOnceAndTheQueueBacksOff() {
        Queues.sync(db, Queues.queue("q", 10, 10, 10));
        Queues.demand(db, "q", 2);
        FakeCloud cloud = new FakeCloud();
        cloud.failSubmit = new RetryableDriverException("RequestLimitExceeded");

        CycleRecord record = cycle.run("q", cloud.driver(DIRECTOR));

        assertThat(record.errors()).contains("RequestLimitExceeded");
        assertThat(new QueueStore(db.jdbi()).get("q").backingOff(clock.instant())).isTrue();
        assertThat(byStatus("q")).containsExactly(Map.entry(PilotStatus.Aborted, 2L));
        assertThat(pilotsOf("q")).allSatisfy(p -> assertThat(p.statusReason()).startsWith("not started"));
    }

    @Test
    void aLostAnswerKeepsItsRowsCountedUntilTheCloudListsThemThenTheyAreAdopted() {
        Queues.sync(db, Queues.queue("q", 3, 3, 3));
        Queues.demand(db, "q", 10);
        FakeCloud cloud = new FakeCloud(new CloudBehaviour(clock, 1).listingLag(Duration.ofMinutes(2)));
        cloud.timeOutAfterSubmit = true;
        PilotDriver driver = cloud.driver(DIRECTOR);

        assertThat(cycle.run("q", driver).errors()).contains("outcome unknown");
        cloud.timeOutAfterSubmit = false;
        clock.advance(Duration.ofMinutes(1));
        CycleRecord whileLagging = cycle.run("q", driver);

        assertThat(whileLagging.decidingFactor()).as("the unresolved rows still count").isEqualTo("unresolved");
        assertThat(byStatus("q")).containsExactly(Map.entry(PilotStatus.Submitting, 3L));
        assertThat(cloud.resources()).hasSize(3);

        clock.advance(Duration.ofMinutes(2));
        cycle.run("q", driver);

        assertThat(byStatus("q")).containsExactly(Map.entry(PilotStatus.Waiting, 3L));
        assertEachPilotIsACloudResource("q", cloud);
        assertThat(cloud.resources()).as("nothing submitted twice").hasSize(3);
    }

    @Test
    void aSubmissionTheCloudTookButListsInPartIsRecordedAsListedAndNotBackedOff() {
        Queues.sync(db, Queues.queue("q", 10, 10, 4));
        Queues.demand(db, "q", 4);
        FakeCloud cloud = new FakeCloud(new CloudBehaviour(clock, 1).listingLag(Duration.ofMinutes(2)));
        cloud.listedOfEachSubmission = 1;
        PilotDriver driver = cloud.driver(DIRECTOR);

        CycleRecord first = cycle.run("q", driver);

        assertThat(first.errors()).isEmpty();
        assertThat(first.submitted()).isEqualTo(1);
        assertThat(byStatus("q")).containsOnly(Map.entry(PilotStatus.Submitted, 1L), Map.entry(PilotStatus.Submitting, 3L));
        assertThat(new QueueStore(db.jdbi()).get("q").backingOff(clock.instant())).isFalse();

        clock.advance(Duration.ofMinutes(3));
        cycle.run("q", driver);

        assertThat(byStatus("q")).containsOnly(Map.entry(PilotStatus.Waiting, 4L));
        assertEachPilotIsACloudResource("q", cloud);
        assertThat(cloud.resources()).as("nothing submitted twice").hasSize(4);
    }

    @Test
    void aPilotMissingFromListingsInsideTheWindowKeepsItsStatusAndBecomesUnknownAfter() {
        Queues.sync(db, Queues.queue("q", 10, 10, 10));
        Queues.demand(db, "q", 1);
        FakeCloud cloud = new FakeCloud(new CloudBehaviour(clock, 1).listingLag(Duration.ofMinutes(30)));
        PilotDriver driver = cloud.driver(DIRECTOR);
        cycle.run("q", driver);
        assertThat(byStatus("q")).containsExactly(Map.entry(PilotStatus.Submitted, 1L));

        clock.advance(cloud.consistencyWindow.minusSeconds(1));
        cycle.run("q", driver);
        assertThat(byStatus("q")).containsExactly(Map.entry(PilotStatus.Submitted, 1L));

        clock.advance(Duration.ofSeconds(2));
        cycle.run("q", driver);
        assertThat(byStatus("q")).containsExactly(Map.entry(PilotStatus.Unknown, 1L));
        assertThat(Queues.counts(db, "q").waiting()).as("an Unknown pilot is waiting, for the limits").isEqualTo(1);
    }

    @Test
    void aSweepWhoseKillTheCloudRefusedIsTriedAgainAfterOneTwoFourCyclesAndTheOrphanGoesOnceItAccepts() {
        Queues.sync(db, Queues.queue("q", 10, 10, 10));
        FakeCloud cloud = new FakeCloud(new CloudBehaviour(clock, 1));
        FakeCloud.Resource orphan = cloud.createByHand(DIRECTOR, "0123456789abcdef0123456789abcdef");
        PilotDriver driver = cloud.driver(DIRECTOR);
        clock.advance(cloud.consistencyWindow.plusSeconds(1));
        cloud.failKill = new RetryableDriverException("503 Service Unavailable: the delete API is down");

        List<Integer> tried = new ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            int before = cloud.killCalls.get();
            CycleRecord record = cycle.run("q", driver);
            if (cloud.killCalls.get() > before) {
                tried.add(i);
                assertThat(record.errors()).contains("sweeping for orphans: 503 Service Unavailable: the delete API is down");
            }
        }
        assertThat(tried).as("the cycles whose sweep tried to kill the orphan").containsExactly(1, 2, 4, 8);

        cloud.failKill = null;
        int cycles = 12;
        while (cloud.alive().stream().anyMatch(r -> r.jobRef().equals(orphan.jobRef()))) {
            cycle.run("q", driver);
            cycles++;
            assertThat(cycles).as("the next sweep, 8 cycles after the last").isLessThanOrEqualTo(16);
        }
        assertThat(cycles).isEqualTo(16);
    }

    @Test
    void theSweepKillsAHandMadeResourceWithThisDirectorsTagOnceOlderThanTheWindowAndLeavesOthersAlone() {
        Queues.sync(db, Queues.queue("q", 10, 10, 10));
        FakeCloud cloud = new FakeCloud(new CloudBehaviour(clock, 1));
        FakeCloud.Resource mine = cloud.createByHand(DIRECTOR, "0123456789abcdef0123456789abcdef");
        FakeCloud.Resource theirs = cloud.createByHand("another-director", "fedcba9876543210fedcba9876543210");
        PilotDriver driver = cloud.driver(DIRECTOR);

        CycleRecord atStart = cycle.run("q", driver);
        assertThat(atStart.orphansKilled()).as("younger than the window").isZero();

        clock.advance(cloud.consistencyWindow.plusSeconds(1));
        for (int i = 2; i <= 10; i++) {
            assertThat(cycle.run("q", driver).orphansKilled()).as("cycle %d: the sweep runs every 10", i).isZero();
        }
        CycleRecord swept = cycle.run("q", driver);

        assertThat(swept.orphansKilled()).isEqualTo(1);
        assertThat(cloud.alive()).extracting(FakeCloud.Resource::jobRef).containsExactly(theirs.jobRef());
        assertThat(cloud.resources()).filteredOn(r -> r.jobRef().equals(mine.jobRef()))
                .allSatisfy(r -> assertThat(r.state().status()).isEqualTo(PilotStatus.Deleted));
    }

    @Test
    void aPilotAlivePastItsLifetimeIsKilled() {
        Queues.sync(db, Queues.queue("q", 10, 10, 10));
        Queues.demand(db, "q", 1);
        FakeCloud cloud = new FakeCloud(new CloudBehaviour(clock, 1));
        PilotDriver driver = cloud.driver(DIRECTOR);
        cycle.run("q", driver);
        cloud.move(PilotStatus.Waiting, PilotStatus.Running);
        cycle.run("q", driver);
        String jobRef = cloud.resources().get(0).jobRef();

        clock.advance(Duration.ofHours(49));
        cycle.run("q", driver);

        PilotRecord pilot = pilots.find(jobRef).orElseThrow();
        assertThat(pilot.status()).isEqualTo(PilotStatus.Deleted);
        assertThat(pilot.statusReason()).isEqualTo("killed: alive after 2d (queue maxLifetime)");
        assertThat(cloud.alive()).extracting(FakeCloud.Resource::jobRef).doesNotContain(jobRef);
    }

    @Test
    void pilotsStartedByACallThatTimedOutAreAdoptedNotLost() {
        Queues.sync(db, Queues.queue("q", 10, 10, 10));
        Queues.demand(db, "q", 3);
        FakeCloud cloud = new FakeCloud();
        cloud.timeOutAfterSubmit = true;
        cycle.run("q", cloud.driver(DIRECTOR));
        assertThat(cloud.resources()).hasSize(3);

        cloud.timeOutAfterSubmit = false;
        cycle.run("q", cloud.driver(DIRECTOR));

        assertThat(byStatus("q")).containsExactly(Map.entry(PilotStatus.Waiting, 3L));
        assertEachPilotIsACloudResource("q", cloud);
        assertThat(cloud.resources()).as("nothing submitted twice").hasSize(3);
    }

    @Test
    void aFailedStatusCallChangesNoPilot() {
        Queues.sync(db, Queues.queue("q", 10, 10, 10));
        Queues.demand(db, "q", 4);
        FakeCloud cloud = new FakeCloud();
        PilotDriver driver = cloud.driver(DIRECTOR);
        cycle.run("q", driver);
        cloud.move(PilotStatus.Waiting, PilotStatus.Running);
        cloud.resources().forEach(r -> cloud.forget(r.jobRef()));
        cloud.failStatus = new RetryableDriverException("503 Service Unavailable");

        CycleRecord record = cycle.run("q", driver);

        assertThat(record.errors()).contains("following pilots: 503 Service Unavailable");
        assertThat(byStatus("q")).containsExactly(Map.entry(PilotStatus.Waiting, 4L));
    }

    @Test
    void aWokenCycleFollowsBeforeItDecides_soAFullQueueUsesTheSlotItsEndedPilotFreed() {
        Queues.sync(db, Queues.queue("q", 2, 2, 2));
        Queues.demand(db, "q", 2);
        FakeCloud cloud = new FakeCloud();
        PilotDriver driver = cloud.driver(DIRECTOR);
        assertThat(cycle.run("q", driver).submitted()).isEqualTo(2);
        List<FakeCloud.Resource> started = cloud.resources();
        cloud.set(started.get(0).jobRef(), PilotStatus.Done);
        cloud.set(started.get(1).jobRef(), PilotStatus.Running);
        // New jobs arrive and wake the full queue; one of its pilots ended meanwhile, unseen yet.
        Queues.demand(db, "q", 1);
        clock.advance(Duration.ofSeconds(8));

        CycleRecord woken = cycle.run("q", driver, clock.instant(), true);

        assertThat(woken.submitted()).as("the ended pilot's slot, found before the decision").isEqualTo(1);
        assertThat(woken.alive()).as("alive at the decision: the ended pilot no longer counts").isEqualTo(1);
        assertThat(cloud.alive()).hasSize(2);
    }

    @Test
    void aCycleMoreThanHalfItsPeriodLateFollowsBeforeItDecides_anOnTimeOneAfter() {
        Queues.sync(db, Queues.queue("q", 1, 1, 1));
        Queues.demand(db, "q", 3);
        FakeCloud cloud = new FakeCloud();
        PilotDriver driver = cloud.driver(DIRECTOR);
        assertThat(cycle.run("q", driver).submitted()).isEqualTo(1);
        cloud.set(cloud.resources().get(0).jobRef(), PilotStatus.Done);
        clock.advance(Duration.ofMinutes(1));

        CycleRecord onTime = cycle.run("q", driver, clock.instant());
        assertThat(onTime.submitted()).as("on time, it decides on the last follow-up: the queue was full").isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(cycle.run("q", driver, clock.instant()).submitted()).as("the slot its follow-up freed").isEqualTo(1);
        assertThat(cloud.alive()).hasSize(1);
        cloud.set(cloud.alive().get(0).jobRef(), PilotStatus.Done);

        clock.advance(Duration.ofMinutes(2));
        CycleRecord late = cycle.run("q", driver, clock.instant().minus(Duration.ofSeconds(40)));
        assertThat(late.submitted()).as("40 s late on a 1 min period: it followed first").isEqualTo(1);
    }

    @Test
    void pilotsAreFollowedToTheirEndAndAVanishedOneBecomesUnknown() {
        Queues.sync(db, Queues.queue("q", 10, 10, 10));
        Queues.demand(db, "q", 3);
        FakeCloud cloud = new FakeCloud();
        PilotDriver driver = cloud.driver(DIRECTOR);
        cycle.run("q", driver);
        List<FakeCloud.Resource> started = cloud.resources();
        cloud.set(started.get(0).jobRef(), PilotStatus.Done);
        cloud.set(started.get(1).jobRef(), PilotStatus.Failed);
        cloud.forget(started.get(2).jobRef());
        clock.advance(cloud.consistencyWindow.plusSeconds(1));

        cycle.run("q", driver);

        assertThat(pilots.find(started.get(0).jobRef()).orElseThrow().status()).isEqualTo(PilotStatus.Done);
        assertThat(pilots.find(started.get(1).jobRef()).orElseThrow().status()).isEqualTo(PilotStatus.Failed);
        PilotRecord vanished = pilots.find(started.get(2).jobRef()).orElseThrow();
        assertThat(vanished.status()).isEqualTo(PilotStatus.Unknown);
        assertThat(vanished.statusReason()).isEqualTo(PilotFollower.VANISHED);
    }

    @Test
    void aPilotUnknownForLongerThanTheGraceIsGivenUpAndStopsBlockingTheQueue() {
        Queues.sync(db, Queues.queue("q", 2, 2, 2));
        Queues.demand(db, "q", 10);
        FakeCloud cloud = new FakeCloud();
        PilotDriver driver = cloud.driver(DIRECTOR);
        cycle.run("q", driver);
        cloud.resources().forEach(r -> cloud.forget(r.jobRef()));
        clock.advance(cloud.consistencyWindow.plusSeconds(1));
        cycle.run("q", driver);
        assertThat(byStatus("q")).containsExactly(Map.entry(PilotStatus.Unknown, 2L));
        assertThat(cycle.run("q", driver).decidingFactor()).as("Unknown pilots still count, as waiting")
                .isEqualTo("maxWaiting");

        db.jdbi().useHandle(h -> h.execute("update pilot set updated_at = now() - interval '3 hours'"));
        cycle.run("q", driver);

        assertThat(pilots.list("q", PilotStatus.Failed, 10)).hasSize(2)
                .allSatisfy(p -> assertThat(p.statusReason()).isEqualTo("unknown to the cloud for longer than 2h"));
        assertThat(cycle.run("q", driver).submitted()).isEqualTo(2);
    }

    @Test
    void aCrashBetweenTheCloudCallAndTheDatabaseWriteLeavesNoOrphanAndNoDuplicate() {
        QueueConfig q = Queues.queue("q", 6, 6, 6);
        Queues.sync(db, q);
        Queues.demand(db, "q", 20);
        FakeCloud cloud = new FakeCloud();
        cloud.crashAfterSubmit = true;

        assertThatThrownBy(() -> cycle.run("q", cloud.driver(DIRECTOR))).isInstanceOf(FakeCloud.Crash.class);
        assertThat(cloud.resources()).hasSize(6);
        assertThat(byStatus("q")).containsExactly(Map.entry(PilotStatus.Submitting, 6L));

        // The director restarts: a new cycle, the same database and cloud.
        cloud.crashAfterSubmit = false;
        QueueCycle restarted = newCycle();
        for (int i = 0; i < 3; i++) {
            restarted.run("q", cloud.driver(DIRECTOR));
        }

        assertThat(cloud.resources()).as("no duplicate: the limits held across the crash").hasSize(6);
        Set<String> cloudRefs = cloud.resources().stream().map(FakeCloud.Resource::jobRef).collect(Collectors.toSet());
        Set<String> knownRefs = pilotsOf("q").stream().map(PilotRecord::jobRef).collect(Collectors.toSet());
        assertThat(knownRefs).as("no orphan: every cloud resource has its row").isEqualTo(cloudRefs);
        assertThat(pilotsOf("q")).allSatisfy(p -> assertThat(p.status()).isEqualTo(PilotStatus.Waiting));
        assertEachPilotIsACloudResource("q", cloud);
    }

    @Test
    void aSubmissionCutShortBeforeTheCloudCallIsAbortedOnceTheWindowHasPassedNotBefore() {
        Queues.sync(db, Queues.queue("q", 10, 10, 10));
        leasedSubmitting("q", "00000000000000000000000000000001", List.of("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).close();
        FakeCloud cloud = new FakeCloud();

        cycle.run("q", cloud.driver(DIRECTOR));
        assertThat(pilots.find("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").orElseThrow().status())
                .as("one listing inside the window proves nothing").isEqualTo(PilotStatus.Submitting);

        clock.advance(cloud.consistencyWindow);
        cycle.run("q", cloud.driver(DIRECTOR));

        PilotRecord row = pilots.find("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa").orElseThrow();
        assertThat(row.status()).isEqualTo(PilotStatus.Aborted);
        assertThat(row.statusReason()).isEqualTo("the cloud did not show this pilot within 5m of its submission"
                + " (the consistency window)");
    }

    @Test
    void aQueueWhoseCloudListsAtOnceHoldsACutShortSubmissionForTheFloorOnly() {
        Queues.sync(db, Queues.queue("q", 10, 10, 2));
        Queues.demand(db, "q", 2);
        FakeCloud cloud = new FakeCloud();
        cycle.run("q", cloud.driver(DIRECTOR));
        assertThat(pilots.listingLag("q", 100)).as("listed in the cycle that submitted them").hasValue(Duration.ZERO);

        leasedSubmitting("q", "00000000000000000000000000000002", List.of("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")).close();
        clock.advance(UnresolvedSubmissions.FLOOR.minusSeconds(1));
        cycle.run("q", cloud.driver(DIRECTOR));
        assertThat(pilots.find("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb").orElseThrow().status()).isEqualTo(PilotStatus.Submitting);

        clock.advance(Duration.ofSeconds(1));
        cycle.run("q", cloud.driver(DIRECTOR));
        PilotRecord row = pilots.find("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb").orElseThrow();
        assertThat(row.status()).isEqualTo(PilotStatus.Aborted);
        assertThat(row.statusReason()).isEqualTo("the cloud did not show this pilot within 30s of its submission"
                + " (what this queue's cloud takes to list a pilot, with a margin)");
    }

    @Test
    void aCloudThatAnswersLookUpsDefinitelyAbortsWhatItNeverStartedAtOnce() {
        Queues.sync(db, Queues.queue("q", 10, 10, 10));
        leasedSubmitting("q", "00000000000000000000000000000003", List.of("cccccccccccccccccccccccccccccccc")).close();
        FakeCloud cloud = new FakeCloud();
        cloud.idempotentCreates = true;

        cycle.run("q", cloud.driver(DIRECTOR));

        PilotRecord row = pilots.find("cccccccccccccccccccccccccccccccc").orElseThrow();
        assertThat(row.status()).isEqualTo(PilotStatus.Aborted);
        assertThat(row.statusReason()).isEqualTo(UnresolvedSubmissions.NEVER_STARTED);
    }

    @Test
    void aSubmissionStillInFlightIsLeftAlone() {
        Queues.sync(db, Queues.queue("q", 10, 10, 10));
        String batch = "00000000000000000000000000000002";
        try (SubmissionLease lease = leasedSubmitting("q", batch, List.of("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"))) {
            cycle.run("q", new FakeCloud().driver(DIRECTOR));
            assertThat(pilots.find("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb").orElseThrow().status())
                    .isEqualTo(PilotStatus.Submitting);
        }
    }

    @Test
    void pilotsWaitingLongerThanTheQueueAllowsAreKilled() {
        FakeCloud cloud = new FakeCloud();
        PilotDriver driver = cloud.driver(DIRECTOR);
        twoPilotsWaitingTwoHours(driver);

        cycle.run("q", driver);

        assertThat(cloud.killCalls).hasValue(1);
        assertThat(cloud.alive()).isEmpty();
        assertThat(pilotsOf("q")).allSatisfy(p -> {
            assertThat(p.status()).isEqualTo(PilotStatus.Deleted);
            assertThat(p.statusReason()).contains("not running after 1h");
        });
    }

    @Test
    void aPilotWhoseKillWasCarriedOutThoughItsAnswerWasLostIsDeletedOnceTheCloudForgetsItNotUnknown() {
        FakeCloud cloud = new FakeCloud();
        PilotDriver driver = cloud.driver(DIRECTOR);
        twoPilotsWaitingTwoHours(driver);
        cloud.timeOutAfterKill = true;

        CycleRecord killing = cycle.run("q", driver);

        assertThat(killing.errors()).contains("Read timed out");
        assertThat(pilotsOf("q")).allSatisfy(p -> {
            assertThat(p.status()).as("the kill's outcome is not known").isEqualTo(PilotStatus.Waiting);
            assertThat(p.killAsked()).isEqualTo("killed: not running after 1h (queue maxWaitingTime)");
        });

        // the cloud deleted them, and lists them no more (as Nova and Kubernetes do)
        cloud.timeOutAfterKill = false;
        cloud.resources().forEach(r -> cloud.forget(r.jobRef()));
        clock.advance(cloud.consistencyWindow);
        cycle.run("q", driver);

        assertThat(pilotsOf("q")).allSatisfy(p -> {
            assertThat(p.status()).isEqualTo(PilotStatus.Deleted);
            assertThat(p.statusReason())
                    .isEqualTo("killed: not running after 1h (queue maxWaitingTime) (the cloud no longer lists this pilot since)");
        });
        assertThat(Queues.counts(db, "q").waiting()).as("nothing gone is counted waiting").isZero();
    }

    /** Two pilots of queue q, started by this driver, waiting since two hours: past its maxWaitingTime of 1h. */
    private void twoPilotsWaitingTwoHours(PilotDriver driver) {
        Queues.sync(db, Queues.queue("q", 10, 10, 10));
        Queues.demand(db, "q", 2);
        cycle.run("q", driver);
        db.jdbi().useHandle(h -> h.execute("update pilot set submitted_at = now() - interval '2 hours'"));
    }

    /** Every pilot row has its cloud resource, with the same stamp and jobRef. */
    private void assertEachPilotIsACloudResource(String queue, FakeCloud cloud) {
        assertThat(pilotsOf(queue)).allSatisfy(p -> assertThat(cloud.resources()).anySatisfy(r -> {
            assertThat(r.stamp()).isEqualTo(p.stamp());
            assertThat(r.jobRef()).isEqualTo(p.jobRef());
        }));
    }

    /**
     * Writes a batch's {@code Submitting} rows as a submission does, with its lease, held until
     * closed: closing it before the cycle runs is a director that died before calling the cloud.
     */
    private SubmissionLease leasedSubmitting(String queue, String batch, List<String> stamps) {
        SubmissionLease lease = SubmissionLease.open(db.jdbi(), batch);
        lease.handle().useTransaction(h -> pilots.insertSubmitting(lease, new QueueStore(db.jdbi()).get(queue), stamps,
                DIRECTOR, clock.instant(), List.of()));
        return lease;
    }
}
