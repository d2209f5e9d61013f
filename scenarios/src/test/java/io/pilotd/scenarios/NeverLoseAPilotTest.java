package io.pilotd.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.DirectorSettings;
import io.pilotd.director.config.EmptyPilots;
import io.pilotd.director.config.Matching;
import io.pilotd.director.config.PilotSettings;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.ProxySettings;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.cycle.QueueCycle;
import io.pilotd.director.payload.PilotEnvironment;
import io.pilotd.director.store.Database;
import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import io.pilotd.director.store.QueueCounts;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.Slow;
import io.pilotd.director.testing.TestDatabases;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeClock;
import io.pilotd.proxy.TestCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DESIGN §7 on clouds that behave like real ones, per driver: the director's real cycle, the
 * real driver and its SDK, a fake cloud whose listings lag two cycles behind every create, that
 * loses answers after acting, throttles and fails. The queue's limits hold at the cloud (what
 * really exists, not what the listings show), no stamp runs twice, and in the end every
 * resource the cloud has is one pilot the database knows. The cases run side by side: each has
 * its cloud, clock and database.
 */
@Slow
@Execution(ExecutionMode.CONCURRENT)
class NeverLoseAPilotTest {
    private static final String DIRECTOR = "scenario-director";
    private static final Duration CYCLE = Duration.ofMinutes(1);
    private static final int MAX_RUNNING = 20;
    private static final int MAX_WAITING = 8;
    private static final int MAX_PER_CYCLE = 8;
    private static final int CYCLES = 200;
    private static final int LOSSY_CYCLES = 120;

    @BeforeAll
    static void credentials() {
        Cloud.credentials();
    }

    @TempDir
    Path dir;

    private static QueueCycle cycle(Database db, FakeClock clock) {
        return cycle(db, clock, PilotEnvironment.none(DIRECTOR));
    }

    private static QueueCycle cycle(Database db, FakeClock clock, PilotEnvironment environment) {
        return new QueueCycle(db.jdbi(), environment, DIRECTOR, clock, 10);
    }

    /** What the queue's pilots are given: a proxy for a serverless endpoint's (it takes no pilot without). */
    private PilotEnvironment environment(String driverName, QueueConfig queue, FakeClock clock) throws Exception {
        if (!driverName.equals("serverless")) {
            return PilotEnvironment.none(DIRECTOR);
        }
        Path proxy = Files.writeString(dir.resolve("proxy.pem"),
                TestCredentials.create().proxy().voms(Queues.VO, "/" + Queues.VO).pem());
        Files.setPosixFilePermissions(proxy, PosixFilePermissions.fromString("rw-------"));
        PilotdConfig config = new PilotdConfig(DirectorSettings.defaults(), null,
                new ProxySettings(proxy.toString(), Duration.ofHours(1), null, null),
                new PilotSettings("Setup", null, null, null, null, List.of("https://dirac.example.org/pilot"), null, null, null,
                        null), Map.of(queue.site(), SiteConfig.uncapped()), List.of(queue));
        return PilotEnvironment.of(config, DIRECTOR, clock);
    }

    /**
     * A queue of these limits whose pilots waiting past {@code maxWaitingTime} are killed. Its
     * pilots take no job (nothing here matches them), so the hold-back rule of empty pilots,
     * which would start fewer, is off: the limits are what these scenarios hold to.
     */
    private static QueueConfig queue(String name, Duration maxWaitingTime) {
        return new QueueConfig(name, "SITE." + name + ".de", "ce." + name, "default", "fake", true, CYCLE, null,
                new QueueLimits(MAX_RUNNING, MAX_WAITING, MAX_PER_CYCLE, maxWaitingTime, null, null, null, new EmptyPilots(0, null)),
                new Matching(Queues.VO, null, null, null, null, 1, null, null), Map.of());
    }

    /** A queue whose pilots waiting or living past 10 minutes are killed. */
    private static QueueConfig killingAfterTenMinutes(String name) {
        return new QueueConfig(name, "SITE." + name + ".de", "ce." + name, "default", "fake", true, CYCLE, null,
                new QueueLimits(MAX_RUNNING, MAX_WAITING, MAX_PER_CYCLE, Duration.ofMinutes(10), QueueLimits.MIN_LIFETIME, null, null,
                        new EmptyPilots(0, null)),
                new Matching(Queues.VO, null, null, null, null, 1, null, null), Map.of());
    }

    /** The limits, at the cloud and in the database, after one cycle. */
    private static void assertWithinLimits(Cloud cloud, Database db, String queue, String at) {
        List<Cloud.Resource> alive = cloud.alive();
        assertThat(alive).as(at + ": pilots alive at the cloud").hasSizeLessThanOrEqualTo(MAX_RUNNING);
        assertThat(alive.stream().filter(r -> !r.running())).as(at + ": pilots not yet running at the cloud")
                .hasSizeLessThanOrEqualTo(MAX_WAITING);
        QueueCounts counts = Queues.counts(db, queue);
        assertThat(counts.alive()).as(at + ": alive in the database").isLessThanOrEqualTo(MAX_RUNNING);
        assertThat(counts.waiting()).as(at + ": waiting in the database").isLessThanOrEqualTo(MAX_WAITING);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ec2", "aws-batch", "openstack", "kubernetes"})
    void theLimitsHoldAtTheCloudWhileItsListingsLagTwoCyclesBehind(String driverName) throws Exception {
        FakeClock clock = new FakeClock();
        CloudBehaviour behaviour = new CloudBehaviour(clock, 16).listingLag(CYCLE.multipliedBy(2));
        try (Cloud cloud = Cloud.of(driverName, behaviour); Database db = TestDatabases.fresh()) {
            Queues.sync(db, queue("lag", Duration.ofHours(1)));
            Queues.demand(db, "lag", 2_000);
            PilotDriver driver = cloud.driver(DIRECTOR, "lag");
            QueueCycle cycle = cycle(db, clock);
            Random random = new Random(16);
            for (int i = 1; i <= CYCLES; i++) {
                clock.advance(CYCLE);
                cycle.run("lag", driver);
                assertWithinLimits(cloud, db, "lag", driverName + " cycle " + i);
                cloud.progress(random);
            }
            assertThat(cloud.made()).as("pilots went through the queue").isGreaterThan(2 * MAX_RUNNING);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ec2", "aws-batch", "openstack", "kubernetes"})
    void nothingIsLostOrDuplicatedWhenAThirdOfTheAnswersAreLost(String driverName) throws Exception {
        FakeClock clock = new FakeClock();
        CloudBehaviour behaviour = new CloudBehaviour(clock, 30).listingLag(CYCLE.multipliedBy(2))
                .lostAnswers(0.3).throttled(0.01).serverErrors(0.03).slow(0.02, Duration.ofMillis(50));
        try (Cloud cloud = Cloud.of(driverName, behaviour); Database db = TestDatabases.fresh()) {
            Queues.sync(db, queue("lossy", Duration.ofHours(1)));
            Queues.demand(db, "lossy", 2_000);
            PilotDriver driver = cloud.driver(DIRECTOR, "lossy");
            QueueCycle cycle = cycle(db, clock);
            Random random = new Random(30);
            for (int i = 1; i <= LOSSY_CYCLES; i++) {
                clock.advance(CYCLE);
                cycle.run("lossy", driver);
                assertWithinLimits(cloud, db, "lossy", driverName + " cycle " + i);
                cloud.progress(random);
            }
            // The cloud calms down: past the consistency window and one sweep, everything is settled.
            behaviour.lostAnswers(0).throttled(0).serverErrors(0);
            for (int i = 1; i <= 12; i++) {
                clock.advance(CYCLE);
                cycle.run("lossy", driver);
                assertWithinLimits(cloud, db, "lossy", driverName + " settling cycle " + i);
            }

            assertThat(behaviour.answersLost.get()).as("answers lost after the cloud acted").isGreaterThan(20);
            List<Cloud.Resource> resources = cloud.resources();
            assertThat(resources).as("pilots went through the queue").hasSizeGreaterThan(MAX_RUNNING);
            Map<String, Long> perStamp = resources.stream()
                    .collect(Collectors.groupingBy(Cloud.Resource::stamp, Collectors.counting()));
            assertThat(perStamp.values()).as("no stamp runs on two resources").allSatisfy(n -> assertThat(n).isEqualTo(1));
            Map<String, PilotRecord> rows = new PilotStore(db.jdbi()).byStamp(perStamp.keySet());
            for (Cloud.Resource r : resources) {
                PilotRecord row = rows.get(r.stamp());
                assertThat(row).as("resource %s has its pilot", r.jobRef()).isNotNull();
                assertThat(row.jobRef()).as("the pilot of stamp %s is resource %s", r.stamp(), r.jobRef()).isEqualTo(r.jobRef());
                if (r.alive()) {
                    assertThat(row.status().isFinal()).as("live resource %s is a live pilot, not an orphan: %s", r.jobRef(), row)
                            .isFalse();
                }
            }
            Map<String, Cloud.Resource> byJobRef = resources.stream()
                    .collect(Collectors.toMap(Cloud.Resource::jobRef, Function.identity()));
            assertThat(new PilotStore(db.jdbi()).list("lossy", null, 100_000))
                    .filteredOn(p -> !p.status().isFinal())
                    .as("every live pilot is a resource at the cloud")
                    .allSatisfy(p -> assertThat(byJobRef).containsKey(p.jobRef()));
        }
    }

    @Test
    void onAnEc2CloudThatIgnoresClientTokensNoStampStartsTwiceWhenAThirdOfTheAnswersAreLost() throws Exception {
        FakeClock clock = new FakeClock();
        CloudBehaviour behaviour = new CloudBehaviour(clock, 31).lostAnswers(0.3).serverErrors(0.03);
        try (Cloud.Ec2 cloud = (Cloud.Ec2) Cloud.of("ec2", behaviour); Database db = TestDatabases.fresh()) {
            cloud.aws.ec2.ignoresClientToken = true;
            Queues.sync(db, queue("tokens", Duration.ofHours(1)));
            Queues.demand(db, "tokens", 2_000);
            PilotDriver driver = cloud.driver(DIRECTOR, "tokens");
            QueueCycle cycle = cycle(db, clock);
            Random random = new Random(31);
            for (int i = 1; i <= 60; i++) {
                clock.advance(CYCLE);
                cycle.run("tokens", driver);
                assertWithinLimits(cloud, db, "tokens", "cycle " + i);
                cloud.progress(random);
            }

            assertThat(behaviour.answersLost.get()).as("answers lost after EC2 acted").isGreaterThan(10);
            Map<String, Long> perStamp = cloud.resources().stream()
                    .collect(Collectors.groupingBy(Cloud.Resource::stamp, Collectors.counting()));
            assertThat(perStamp).as("pilots went through the queue").hasSizeGreaterThan(2 * MAX_RUNNING);
            assertThat(perStamp.entrySet()).filteredOn(e -> e.getValue() > 1).as("stamps started twice").isEmpty();
        }
    }

    /**
     * Resources the cloud holds that are no live pilot of the database (what would cost until
     * someone notices); one of a submission still being resolved within the window is in flight.
     */
    private static List<String> leaked(Cloud cloud, Database db, Instant now, Duration window) {
        List<Cloud.Resource> held = cloud.resources().stream().filter(Cloud.Resource::held).toList();
        Map<String, PilotRecord> rows = new PilotStore(db.jdbi()).byStamp(held.stream().map(Cloud.Resource::stamp).toList());
        return held.stream().filter(r -> {
            PilotRecord row = rows.get(r.stamp());
            if (row != null && row.status() == PilotStatus.Submitting) {
                return row.submittedAt().plus(window).isBefore(now);
            }
            return row == null || row.status().isFinal() || !r.jobRef().equals(row.jobRef());
        }).map(r -> r.jobRef() + " (" + (rows.get(r.stamp()) == null ? "no pilot" : rows.get(r.stamp()).status()) + ")").toList();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ec2", "aws-batch", "openstack", "jclouds", "serverless", "kubernetes"})
    void deletesRefusedAndLostForAWhileLeakNothingAcrossARestart(String driverName) throws Exception {
        FakeClock clock = new FakeClock();
        // jclouds waits for each server it creates to run: its Nova lists new servers at once (Cloud.Jclouds)
        CloudBehaviour behaviour = new CloudBehaviour(clock, 34).listingLag(driverName.equals("jclouds") ? Duration.ZERO : CYCLE);
        try (Cloud cloud = Cloud.of(driverName, behaviour); Database db = TestDatabases.fresh()) {
            // kills as well as ends to delete
            QueueConfig queue = killingAfterTenMinutes("deletes");
            Queues.sync(db, queue);
            Queues.demand(db, "deletes", 2_000);
            PilotDriver driver = cloud.driver(DIRECTOR, "deletes");
            PilotEnvironment environment = environment(driverName, queue, clock);
            QueueCycle cycle = cycle(db, clock, environment);
            Random random = new Random(34);
            for (int i = 1; i <= 15; i++) {
                clock.advance(CYCLE);
                cycle.run("deletes", driver);
                cloud.progress(random);
            }

            // the delete API down, and a third of the other changes' answers lost after acting
            behaviour.down(cloud.deleteOperation()).lostAnswers(0.3);
            for (int i = 1; i <= 15; i++) {
                clock.advance(CYCLE);
                cycle.run("deletes", driver);
                assertWithinLimits(cloud, db, "deletes", driverName + " cycle " + i + " without deletes");
                cloud.progress(random);
            }
            assertThat(behaviour.serverErrorsSent.get()).as("deletes refused").isPositive();
            if (driverName.equals("openstack") || driverName.equals("jclouds")) {
                assertThat(leaked(cloud, db, clock.instant(), driver.consistencyWindow()))
                        .as("VMs of ended pilots that Nova would not delete").isNotEmpty();
            }

            // a restart after the director was down for the consistency window (a new driver, a new cycle:
            // nothing of the old ones' memory), and the delete API back
            behaviour.down().lostAnswers(0);
            driver.close();
            clock.advance(driver.consistencyWindow());
            driver = cloud.driver(DIRECTOR, "deletes");
            cycle = cycle(db, clock, environment);
            for (int i = 1; i <= 3; i++) {
                clock.advance(CYCLE);
                cycle.run("deletes", driver);
                cloud.progress(random);
            }
            clock.advance(CYCLE);
            cycle.run("deletes", driver);

            assertThat(leaked(cloud, db, clock.instant(), driver.consistencyWindow()))
                    .as("resources the cloud holds that are no live pilot").isEmpty();
            // 34 cycles, half of them with deletes down: about twice the queue's pilots go through (36 to 40 seen under load)
            assertThat(cloud.made()).as("more pilots than the queue holds at once went through it").isGreaterThan(MAX_RUNNING);
        }
    }

    /**
     * A director killed ({@code kill -9}) at any point of its work and started again at once:
     * before a submission reaches the cloud, after the cloud made its pilots and before the
     * database knew their jobRefs, after a lookUp, after the cloud deleted pilots and before the
     * database knew. The cloud lags and loses answers meanwhile. No stamp runs twice, and once
     * settled every resource is the pilot of its row.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ec2", "aws-batch", "openstack", "kubernetes"})
    void aDirectorKilledAtAnyPointOfItsWorkAndRestartedLosesNoPilotAndStartsNoneTwice(String driverName) throws Exception {
        FakeClock clock = new FakeClock();
        CloudBehaviour behaviour = new CloudBehaviour(clock, 40).listingLag(CYCLE).lostAnswers(0.2);
        try (Cloud cloud = Cloud.of(driverName, behaviour); Database db = TestDatabases.fresh()) {
            // the director dies in kills too
            QueueConfig queue = killingAfterTenMinutes("killed");
            Queues.sync(db, queue);
            Queues.demand(db, "killed", 2_000);
            Random random = new Random(40);
            Map<DyingDriver.Point, Integer> deaths = new EnumMap<>(DyingDriver.Point.class);
            DyingDriver driver = new DyingDriver(cloud.driver(DIRECTOR, "killed"));
            QueueCycle cycle = cycle(db, clock);
            for (int i = 1; i <= 100; i++) {
                if (driver.armed() == null && random.nextInt(4) == 0) {
                    // each point in turn: each is reached, however rarely the cloud's faults lead to it
                    driver.arm(DyingDriver.Point.values()[deaths.values().stream().mapToInt(n -> n).sum() % DyingDriver.Point.values().length]);
                }
                clock.advance(CYCLE);
                try {
                    cycle.run("killed", driver);
                } catch (DyingDriver.Killed killed) {
                    deaths.merge(killed.point, 1, Integer::sum);
                    // started again at once by systemd: a new process knows only the database
                    driver.close();
                    driver = new DyingDriver(cloud.driver(DIRECTOR, "killed"));
                    cycle = cycle(db, clock);
                }
                assertWithinLimits(cloud, db, "killed", driverName + " cycle " + i);
                cloud.progress(random);
            }
            assertThat(deaths).as("the director died at each point").containsOnlyKeys(DyingDriver.Point.values());
            behaviour.lostAnswers(0);
            driver.disarm();
            for (int i = 1; i <= 12; i++) {
                clock.advance(CYCLE);
                cycle.run("killed", driver);
            }

            List<Cloud.Resource> resources = cloud.resources();
            assertThat(resources).as("pilots went through the queue").hasSizeGreaterThan(2 * MAX_RUNNING);
            Map<String, Long> perStamp = resources.stream()
                    .collect(Collectors.groupingBy(Cloud.Resource::stamp, Collectors.counting()));
            assertThat(perStamp.entrySet()).filteredOn(e -> e.getValue() > 1).as("stamps started twice").isEmpty();
            Map<String, PilotRecord> rows = new PilotStore(db.jdbi()).byStamp(perStamp.keySet());
            assertThat(resources).as("every resource the cloud made is the pilot of its row (or of a submission the next"
                    + " cycle resolves: Nova's multi-create is known by its listing)").allSatisfy(r -> {
                PilotRecord row = rows.get(r.stamp());
                assertThat(row).as(r.jobRef()).isNotNull();
                if (row.status() != PilotStatus.Submitting) {
                    assertThat(row.jobRef()).as(r.stamp()).isEqualTo(r.jobRef());
                }
            });
            assertThat(leaked(cloud, db, clock.instant(), driver.consistencyWindow()))
                    .as("resources the cloud holds that are no live pilot").isEmpty();
            System.out.printf("NeverLoseAPilotTest[%s]: the director died %s; %d pilots made%n", driverName, deaths,
                    resources.size());
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ec2", "aws-batch", "openstack", "kubernetes"})
    void theSweepKillsAResourceWithThisDirectorsTagAndNoPilotAndLeavesAnotherDirectorsAlone(String driverName)
            throws Exception {
        FakeClock clock = new FakeClock();
        try (Cloud cloud = Cloud.of(driverName, new CloudBehaviour(clock, 5)); Database db = TestDatabases.fresh()) {
            Queues.sync(db, Queues.queue("swept", MAX_RUNNING, MAX_WAITING, 5));
            // Made outside this director's database: by hand, or by another process with the same id.
            cloud.driver(DIRECTOR, "elsewhere").submit(request());
            cloud.driver("another-director", "elsewhere").submit(request());
            PilotDriver driver = cloud.driver(DIRECTOR, "swept");

            assertThat(cycle(db, clock).run("swept", driver).orphansKilled()).as("younger than the window").isZero();
            clock.advance(driver.consistencyWindow().plusMinutes(1));
            assertThat(cycle(db, clock).run("swept", driver).orphansKilled()).isEqualTo(1);

            assertThat(cloud.alive()).extracting(Cloud.Resource::directorId).containsExactly("another-director");
        }
    }

    private static PilotRequest request() {
        String batch = BatchStamps.stamp("hand", (int) System.nanoTime());
        return new PilotRequest(batch, BatchStamps.stamps(batch, 1), new PilotPayload(Map.of(), "#cloud-config\n"));
    }
}
