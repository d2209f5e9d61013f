package io.pilotd.director.cycle;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Shares one site cap among the site's queues, in proportion to their demand, so that one busy
 * queue cannot starve the others.
 *
 * <p>Each queue is entitled to a part of the whole cap, not of what is left, so that the queue
 * whose cycle happens to run first gets no more than its share. The parts are found by weighted
 * water-filling: a queue never gets more than it can use (what it holds plus what it wants), and
 * what it cannot use goes to the others. A queue with no want keeps what it holds. Parts are
 * whole pilots (or cores), rounded by largest remainder so that together they are the cap.
 * A queue holding more than its part (it was alone before) gets nothing new until it is back
 * under it; nothing is taken away.
 */
public final class SiteShare {
    private SiteShare() {
    }

    /**
     * One queue's claim on a cap, in the cap's unit (pilots or cores).
     *
     * @param weight its demand: waiting jobs it could serve
     * @param held   what it holds now
     * @param want   how much more it would take, its own limits permitting
     */
    public record Claim(String queue, long weight, long held, long want) {
    }

    /** Each queue's part of {@code cap}. */
    public static Map<String, Long> entitlements(long cap, List<Claim> claims) {
        Map<String, Double> parts = new HashMap<>();
        double free = cap;
        List<Claim> open = new ArrayList<>();
        for (Claim claim : claims) {
            if (claim.want() > 0 && claim.weight() > 0) {
                open.add(claim);
            } else {
                parts.put(claim.queue(), (double) claim.held());
                free -= claim.held();
            }
        }
        while (!open.isEmpty() && free > 0) {
            double weights = open.stream().mapToDouble(Claim::weight).sum();
            List<Claim> full = new ArrayList<>();
            for (Claim claim : open) {
                if (free * claim.weight() / weights >= claim.held() + claim.want()) {
                    full.add(claim);
                }
            }
            if (full.isEmpty()) {
                for (Claim claim : open) {
                    parts.put(claim.queue(), free * claim.weight() / weights);
                }
                open.clear();
            } else {
                for (Claim claim : full) {
                    parts.put(claim.queue(), (double) (claim.held() + claim.want()));
                    free -= claim.held() + claim.want();
                }
                open.removeAll(full);
            }
        }
        open.forEach(claim -> parts.put(claim.queue(), 0.0));
        return wholeParts(parts, claims);
    }

    /** Rounds down, then gives the units left to the largest remainders (ties: by queue name). */
    private static Map<String, Long> wholeParts(Map<String, Double> parts, List<Claim> claims) {
        Map<String, Long> whole = new HashMap<>();
        double total = 0;
        long rounded = 0;
        for (Map.Entry<String, Double> part : parts.entrySet()) {
            long down = (long) Math.floor(part.getValue() + 1e-9);
            whole.put(part.getKey(), down);
            total += part.getValue();
            rounded += down;
        }
        long left = Math.round(total) - rounded;
        List<Claim> byRemainder = new ArrayList<>(claims);
        byRemainder.sort(Comparator.<Claim>comparingDouble(c -> -(parts.get(c.queue()) - whole.get(c.queue())))
                .thenComparing(Claim::queue));
        for (int i = 0; i < left && i < byRemainder.size(); i++) {
            whole.merge(byRemainder.get(i).queue(), 1L, Long::sum);
        }
        return whole;
    }

    /**
     * How much more this queue may take under the cap now: its part less what it holds, and
     * never more than the site's headroom.
     */
    public static long allowance(String queue, long cap, List<Claim> claims) {
        long held = 0;
        long mine = 0;
        for (Claim claim : claims) {
            held += claim.held();
            if (claim.queue().equals(queue)) {
                mine = claim.held();
            }
        }
        long headroom = Math.max(0, cap - held);
        long part = entitlements(cap, claims).getOrDefault(queue, 0L);
        return Math.max(0, Math.min(part - mine, headroom));
    }
}
