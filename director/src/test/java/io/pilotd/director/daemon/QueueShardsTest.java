package io.pilotd.director.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.testing.Daemons;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Queues to triggers: by period, 25 at most, sites taking turns, the same cut from the same config. */
class QueueShardsTest {
    private static QueueConfig queue(String name, String site, Duration period) {
        QueueConfig q = Daemons.queue(name, period, Duration.ZERO, 1);
        return new QueueConfig(q.name(), site, q.ce(), q.queue(), q.driver(), q.enabled(), q.cycle(), q.consistencyWindow(),
                q.limits(), q.matching(), q.parameters(), q.proxy(), q.pilot());
    }

    @Test
    void queuesOfOnePeriodShareTriggersOfAtMostTwentyFiveWithTheirSitesTakingTurns() {
        List<QueueConfig> queues = new ArrayList<>();
        for (int s = 0; s < 6; s++) {
            for (int q = 0; q < 10; q++) {
                queues.add(queue("s" + s + "q" + q, "SITE" + s, Duration.ofMinutes(2)));
            }
        }
        queues.add(queue("hourly", "SITE0", Duration.ofHours(1)));

        List<QueueShards.Shard> shards = QueueShards.of(queues);

        assertThat(shards).extracting(s -> s.queues().size()).containsExactly(25, 25, 10, 1);
        assertThat(shards.get(0).queues()).startsWith("s0q0", "s1q0", "s2q0", "s3q0", "s4q0", "s5q0", "s0q1");
        assertThat(shards.get(3).queues()).containsExactly("hourly");
        assertThat(shards.stream().flatMap(s -> s.queues().stream())).hasSize(61).doesNotHaveDuplicates();
        List<QueueConfig> reversed = new ArrayList<>(queues);
        Collections.reverse(reversed);
        assertThat(QueueShards.of(reversed)).as("every director cuts the same shards").isEqualTo(shards);
    }
}
