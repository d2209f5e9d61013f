package io.pilotd.director.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.store.QueueCounts;
import io.pilotd.director.store.QueueRow;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The decision over many random mixes of demand, supply and limits (seeded, so reproducible). */
class DecisionTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static QueueRow queue(int maxRunning, int maxWaiting, int maxPerCycle, boolean enabled, Instant backoffUntil) {
        return new QueueRow("q", "S.s.de", "ce", "default", "fake", null, 1, maxRunning, maxWaiting, maxPerCycle,
                Duration.ofMinutes(1), Duration.ofHours(1), enabled, 0, backoffUntil, null, null, Duration.ofHours(48), 1L, null, 10, Duration.ofHours(1));
    }

    @Test
    void neverPassesALimitAndTakesAllItMay() {
        Random random = new Random(20261124);
        for (int i = 0; i < 100_000; i++) {
            int maxRunning = random.nextInt(50);
            int maxWaiting = random.nextInt(50);
            int maxPerCycle = random.nextInt(30);
            int alive = random.nextInt(60);
            int waiting = random.nextInt(alive + 1);
            int demand = random.nextInt(80);
            QueueCounts supply = new QueueCounts(alive, waiting, alive - waiting);

            Decision d = Decision.decide(queue(maxRunning, maxWaiting, maxPerCycle, true, null), supply, demand,
                    Decision.Request.CYCLE, SiteAllowance.NONE, NOW);

            String at = "case " + i + ": " + supply + " demand=" + demand + " limits=" + maxRunning + "/" + maxWaiting + "/" + maxPerCycle;
            assertThat(d.count()).as(at).isNotNegative().isLessThanOrEqualTo(maxPerCycle);
            assertThat(alive + d.count()).as(at).isLessThanOrEqualTo(Math.max(maxRunning, alive));
            assertThat(waiting + d.count()).as(at).isLessThanOrEqualTo(Math.max(maxWaiting, waiting));
            assertThat(d.count()).as(at).isLessThanOrEqualTo(demand);
            // all it may: one pilot more would pass the demand or a limit
            int more = d.count() + 1;
            assertThat(more > demand || more > maxPerCycle || alive + more > maxRunning || waiting + more > maxWaiting)
                    .as(at + ": one more pilot than " + d.count() + " would still be within every bound").isTrue();
            int bound = switch (d.factor()) {
                case demand -> demand;
                case maxWaiting -> maxWaiting - waiting;
                case maxRunning -> maxRunning - alive;
                case maxPerCycle -> maxPerCycle;
                default -> throw new AssertionError(at + ": unexpected factor " + d.factor());
            };
            assertThat(Math.max(0, bound)).as(at + ": the deciding factor is the term that bound n").isEqualTo(d.count());
        }
    }

    @Test
    void aLimitHeldInPartByPilotsOfUnknownOutcomeIsSaidToBeTheirs() {
        QueueRow queue = queue(20, 10, 10, true, null);
        assertThat(Decision.decide(queue, new QueueCounts(10, 10, 0, 7), 50, Decision.Request.CYCLE, SiteAllowance.NONE, NOW))
                .isEqualTo(new Decision(0, DecidingFactor.unresolved));
        assertThat(Decision.decide(queue, new QueueCounts(10, 10, 0, 0), 50, Decision.Request.CYCLE, SiteAllowance.NONE, NOW))
                .isEqualTo(new Decision(0, DecidingFactor.maxWaiting));
        assertThat(Decision.decide(queue, new QueueCounts(20, 5, 15, 2), 50, Decision.Request.CYCLE, SiteAllowance.NONE, NOW))
                .isEqualTo(new Decision(0, DecidingFactor.unresolved));
        assertThat(Decision.decide(queue, new QueueCounts(3, 3, 0, 3), 2, Decision.Request.CYCLE, SiteAllowance.NONE, NOW))
                .as("demand binds: the unresolved pilots hold nothing back").isEqualTo(new Decision(2, DecidingFactor.demand));
    }

    @Test
    void aManualCountIsBoundByTheLimitsUnlessForced() {
        QueueRow queue = queue(10, 4, 3, true, null);
        QueueCounts supply = new QueueCounts(2, 1, 1);
        assertThat(Decision.decide(queue, supply, 0, new Decision.Request(2, false), SiteAllowance.NONE, NOW))
                .isEqualTo(new Decision(2, DecidingFactor.requested));
        assertThat(Decision.decide(queue, supply, 0, new Decision.Request(50, false), SiteAllowance.NONE, NOW))
                .isEqualTo(new Decision(3, DecidingFactor.maxWaiting));
        assertThat(Decision.decide(queue, supply, 0, new Decision.Request(50, true), SiteAllowance.NONE, NOW))
                .isEqualTo(new Decision(50, DecidingFactor.forced));
    }

    @Test
    void aDisabledQueueOrOneInBackOffGetsNothing() {
        QueueCounts none = QueueCounts.NONE;
        assertThat(Decision.decide(queue(10, 10, 10, false, null), none, 5, Decision.Request.CYCLE, SiteAllowance.NONE, NOW))
                .isEqualTo(new Decision(0, DecidingFactor.disabled));
        assertThat(Decision.decide(queue(10, 10, 10, true, NOW.plusSeconds(1)), none, 5, Decision.Request.CYCLE, SiteAllowance.NONE, NOW))
                .isEqualTo(new Decision(0, DecidingFactor.backoff));
        assertThat(Decision.decide(queue(10, 10, 10, true, NOW.minusSeconds(1)), none, 5, Decision.Request.CYCLE, SiteAllowance.NONE, NOW))
                .isEqualTo(new Decision(5, DecidingFactor.demand));
    }

    @Test
    void backOffDoublesUpToItsCap() {
        Duration cycle = Duration.ofMinutes(2);
        assertThat(Backoff.after(1, cycle)).isEqualTo(Duration.ofMinutes(2));
        assertThat(Backoff.after(2, cycle)).isEqualTo(Duration.ofMinutes(4));
        assertThat(Backoff.after(4, cycle)).isEqualTo(Duration.ofMinutes(16));
        assertThat(Backoff.after(5, cycle)).isEqualTo(Backoff.CAP);
        assertThat(Backoff.after(1000, cycle)).isEqualTo(Backoff.CAP);
        assertThat(Backoff.after(3, Duration.ofHours(1))).isEqualTo(Duration.ofHours(1));
    }
}
