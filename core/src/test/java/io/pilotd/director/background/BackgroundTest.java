package io.pilotd.director.background;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.testing.ManualTimer;
import io.pilotd.fakes.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackgroundTest {
    private final FakeClock clock = new FakeClock();
    private final ManualTimer timer = new ManualTimer(clock);
    private final List<String> told = new ArrayList<>();
    private final Background background = new Background(timer,
            (task, took, failure) -> told.add(task + (failure == null ? "" : ": " + failure.getMessage())));

    @Test
    void aTaskRunsEveryPeriodFromItsFirstRun() {
        List<Instant> runs = new ArrayList<>();
        Instant start = clock.instant();
        background.every("trim", Duration.ofSeconds(5), Duration.ofMinutes(1), () -> runs.add(clock.instant()));

        timer.advance(Duration.ofMinutes(3));

        assertThat(runs).containsExactly(start.plusSeconds(5), start.plusSeconds(65), start.plusSeconds(125));
        assertThat(background.figures().get("trim")).isEqualTo(new Background.Figures("trim", 3, 0, 0));
        assertThat(told).containsExactly("trim", "trim", "trim");
    }

    @Test
    void anErrorIsCaughtAndTheTaskBacksOffThenRecovers() {
        AtomicInteger calls = new AtomicInteger();
        List<Instant> runs = new ArrayList<>();
        Instant start = clock.instant();
        background.every("poll", Duration.ZERO, Duration.ofSeconds(10), () -> {
            runs.add(clock.instant());
            int call = calls.incrementAndGet();
            if (call == 2) {
                throw new OutOfMemoryError("a run that throws an Error");
            }
            if (call == 3) {
                throw new IllegalStateException("and then an exception");
            }
        });

        timer.advance(Duration.ofSeconds(120));

        // 0 ok, 10 Error (the next 20 s later), 30 exception (40 s later), 70 ok (10 s again), 80, 90
        assertThat(runs.subList(0, 6)).containsExactly(start, start.plusSeconds(10), start.plusSeconds(30),
                start.plusSeconds(70), start.plusSeconds(80), start.plusSeconds(90));
        assertThat(told.subList(0, 4)).containsExactly("poll", "poll: a run that throws an Error",
                "poll: and then an exception", "poll");
        Background.Figures figures = background.figures().get("poll");
        assertThat(figures.failures()).isEqualTo(2);
        assertThat(figures.failingInARow()).isZero();
    }

    @Test
    void aBackOffStopsAtFiveMinutes() {
        List<Instant> runs = new ArrayList<>();
        background.every("mirror", Duration.ZERO, Duration.ofSeconds(30), () -> {
            runs.add(clock.instant());
            throw new IllegalStateException("down");
        });

        timer.advance(Duration.ofMinutes(30));

        List<Duration> gaps = new ArrayList<>();
        for (int i = 1; i < runs.size(); i++) {
            gaps.add(Duration.between(runs.get(i - 1), runs.get(i)));
        }
        assertThat(gaps.subList(0, 5)).containsExactly(Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(4),
                Duration.ofMinutes(5), Duration.ofMinutes(5));
        assertThat(background.figures().get("mirror").failingInARow()).isEqualTo(runs.size());
    }

    @Test
    void closingStopsEveryTaskAndRefusesOneOffs() {
        AtomicInteger runs = new AtomicInteger();
        background.every("a", Duration.ZERO, Duration.ofSeconds(1), runs::incrementAndGet);
        background.every("b", Duration.ZERO, Duration.ofSeconds(1), runs::incrementAndGet);
        timer.advance(Duration.ZERO);
        assertThat(runs).hasValue(2);
        assertThat(timer.waiting()).containsExactlyInAnyOrder("a", "b");

        background.close();

        assertThat(timer.waiting()).isEmpty();
        assertThat(background.after("wake-up", Duration.ZERO, runs::incrementAndGet)).isFalse();
    }

    @Test
    void onThreadsEachTaskRunsOnItsOwnNamedThread() throws Exception {
        CountDownLatch ran = new CountDownLatch(2);
        List<String> threads = new CopyOnWriteArrayList<>();
        Background threaded = Background.threads((task, took, failure) -> { });
        try (threaded) {
            threaded.every("watchdog", Duration.ZERO, Duration.ofHours(1), () -> {
                threads.add(Thread.currentThread().getName());
                ran.countDown();
            });
            threaded.after("wake-up", Duration.ZERO, () -> {
                threads.add(Thread.currentThread().getName());
                ran.countDown();
            });
            assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(threads).containsExactlyInAnyOrder("pilotd-watchdog", "pilotd-wake-up");
        assertThat(threaded.after("wake-up", Duration.ZERO, () -> threads.add("after close"))).isFalse();
    }
}
