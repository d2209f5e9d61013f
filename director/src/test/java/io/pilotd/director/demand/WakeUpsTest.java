package io.pilotd.director.demand;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.testing.Daemons;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A wake-up is served by a cycle that starts after it: never lost to a cycle in flight, never run within the gap. */
class WakeUpsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    /** The hand-overs asked for, and whether the queue takes them (false: it is cycling). */
    private static final class Lanes implements WakeUps.HandOver {
        final List<Instant> handedOver = new CopyOnWriteArrayList<>();
        final AtomicBoolean cycling = new AtomicBoolean();

        @Override
        public boolean handOver(String queue, Instant due) {
            if (cycling.get()) {
                return false;
            }
            handedOver.add(due);
            return true;
        }
    }

    @Test
    void aWakeUpWhileTheQueueCyclesRunsOnceThatCycleHasEnded() throws Exception {
        Lanes lanes = new Lanes();
        try (WakeUps wakeUps = new WakeUps(Duration.ofMillis(1), Clock.systemUTC(), lanes)) {
            Instant cycleStarted = Instant.now();
            lanes.cycling.set(true);
            wakeUps.wake(Set.of("q"));
            wakeUps.wake(Set.of("q"));
            assertThat(lanes.handedOver).as("the queue is cycling").isEmpty();

            wakeUps.started("q", cycleStarted);
            lanes.cycling.set(false);
            Daemons.await("the woken cycle, after the one in flight", DEADLINE, () -> lanes.handedOver.size() == 1);
        }
    }

    @Test
    void aCycleThatStartsAfterTheWakeUpServesIt() throws Exception {
        Lanes lanes = new Lanes();
        try (WakeUps wakeUps = new WakeUps(Duration.ofMillis(1), Clock.systemUTC(), lanes)) {
            lanes.cycling.set(true);
            wakeUps.wake(Set.of("q"));
            // a periodic cycle, waiting for a thread when the jobs came, started after them
            wakeUps.started("q", Instant.now().plusMillis(1));
            lanes.cycling.set(false);
            Thread.sleep(1_000);
            assertThat(lanes.handedOver).as("nothing left to wake for").isEmpty();
        }
    }

    @Test
    void noWokenCycleStartsWithinTheGapOfTheLastOne() throws Exception {
        Lanes lanes = new Lanes();
        Duration gap = Duration.ofMillis(700);
        try (WakeUps wakeUps = new WakeUps(gap, Clock.systemUTC(), lanes)) {
            Instant last = Instant.now();
            wakeUps.started("q", last);
            wakeUps.wake(Set.of("q"));
            wakeUps.wake(Set.of("q"));
            Daemons.await("the woken cycle", DEADLINE, () -> !lanes.handedOver.isEmpty());
            Thread.sleep(300);
            assertThat(lanes.handedOver).as("two wake-ups within the gap: one cycle").hasSize(1);
            assertThat(lanes.handedOver.get(0)).isAfterOrEqualTo(last.plus(gap));
        }
    }
}
