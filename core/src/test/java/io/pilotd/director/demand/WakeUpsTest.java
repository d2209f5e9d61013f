package io.pilotd.director.demand;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.background.Background;
import io.pilotd.director.testing.ManualTimer;
import io.pilotd.fakes.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A wake-up is served by a cycle that starts after it: never lost to a cycle in flight, never run
 * within the gap. On a hand-cranked timer: what has not run by a time never runs by it.
 */
class WakeUpsTest {
    private final FakeClock clock = new FakeClock();
    private final ManualTimer timer = new ManualTimer(clock);
    private final Lanes lanes = new Lanes();

    /** The hand-overs asked for, and whether the queue takes them (false: it is cycling). */
    private static final class Lanes implements WakeUps.HandOver {
        final List<Instant> handedOver = new ArrayList<>();
        boolean cycling;

        @Override
        public boolean handOver(String queue, Instant due) {
            if (cycling) {
                return false;
            }
            handedOver.add(due);
            return true;
        }
    }

    private WakeUps wakeUps(Duration minGap) {
        return new WakeUps(minGap, clock, lanes, new Background(timer, (task, took, failure) -> { }));
    }

    @Test
    void aWakeUpWhileTheQueueCyclesRunsOnceThatCycleHasEnded() {
        WakeUps wakeUps = wakeUps(Duration.ofMillis(1));
        Instant cycleStarted = clock.instant();
        clock.advance(Duration.ofMillis(1));
        lanes.cycling = true;
        wakeUps.wake(Set.of("q"));
        wakeUps.wake(Set.of("q"));
        assertThat(lanes.handedOver).as("the queue is cycling").isEmpty();

        wakeUps.started("q", cycleStarted);
        lanes.cycling = false;
        timer.advance(WakeUps.RETRY);

        assertThat(lanes.handedOver).as("the woken cycle, after the one in flight").hasSize(1);
        assertThat(timer.waiting()).isEmpty();
    }

    @Test
    void aCycleThatStartsAfterTheWakeUpServesIt() {
        WakeUps wakeUps = wakeUps(Duration.ofMillis(1));
        lanes.cycling = true;
        wakeUps.wake(Set.of("q"));
        // a periodic cycle, waiting for a thread when the jobs came, started after them
        wakeUps.started("q", clock.instant().plusMillis(1));
        lanes.cycling = false;

        timer.advance(Duration.ofMinutes(1));

        assertThat(lanes.handedOver).as("nothing left to wake for").isEmpty();
        assertThat(timer.waiting()).isEmpty();
    }

    @Test
    void noWokenCycleStartsWithinTheGapOfTheLastOne() {
        Duration gap = Duration.ofMillis(700);
        WakeUps wakeUps = wakeUps(gap);
        Instant last = clock.instant();
        wakeUps.started("q", last);
        wakeUps.wake(Set.of("q"));
        wakeUps.wake(Set.of("q"));

        timer.advance(gap.minusMillis(1));
        assertThat(lanes.handedOver).as("within the gap").isEmpty();
        timer.advance(Duration.ofMinutes(1));

        assertThat(lanes.handedOver).as("two wake-ups within the gap: one cycle").containsExactly(last.plus(gap));
        assertThat(timer.waiting()).isEmpty();
    }
}
