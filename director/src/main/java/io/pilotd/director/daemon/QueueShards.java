package io.pilotd.director.daemon;

import io.pilotd.director.config.QueueConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which queues share a Quartz trigger, and in which order a fire hands them over: queues with
 * one period, {@link #SIZE} at most, taken a site at a time in turn (every site's first queue,
 * then every site's second...), so that the cycles running at once are of different sites and
 * a capped site's decisions, which take turns, do not queue behind one another. Every director
 * of a cluster cuts the same shards from the same config.
 */
public final class QueueShards {
    /**
     * Queues per trigger. One Quartz fire costs some forty statements of its own, whatever its
     * job does: a trigger per queue spent more on Quartz than on the cycles (bench/run rounds).
     */
    static final int SIZE = 25;

    private QueueShards() {
    }

    /** The queues of one trigger, in the order its fire hands them over. */
    public record Shard(String name, Duration period, List<String> queues) {
    }

    public static List<Shard> of(List<QueueConfig> queues) {
        Map<Duration, List<QueueConfig>> byPeriod = new TreeMap<>();
        queues.forEach(q -> byPeriod.computeIfAbsent(q.cycle(), p -> new ArrayList<>()).add(q));
        List<Shard> shards = new ArrayList<>();
        byPeriod.forEach((period, ofPeriod) -> {
            List<String> order = sitesInTurn(ofPeriod);
            for (int i = 0; i < order.size(); i += SIZE) {
                shards.add(new Shard("every-" + period.toMillis() + "ms-" + (i / SIZE), period,
                        List.copyOf(order.subList(i, Math.min(order.size(), i + SIZE)))));
            }
        });
        return shards;
    }

    /** Queue names, each site's in name order, the sites (in name order) taking turns. */
    private static List<String> sitesInTurn(List<QueueConfig> queues) {
        Map<String, List<String>> bySite = new TreeMap<>();
        queues.stream().sorted(Comparator.comparing(QueueConfig::name))
                .forEach(q -> bySite.computeIfAbsent(q.site(), s -> new ArrayList<>()).add(q.name()));
        List<String> order = new ArrayList<>();
        for (int turn = 0; order.size() < queues.size(); turn++) {
            for (List<String> site : bySite.values()) {
                if (turn < site.size()) {
                    order.add(site.get(turn));
                }
            }
        }
        return order;
    }
}
