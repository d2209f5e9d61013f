package io.pilotd.director.cycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.cycle.SiteShare.Claim;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SiteShareTest {

    @Test
    void twoBusyQueuesSplitTheCapByDemand() {
        List<Claim> claims = List.of(new Claim("a", 300, 0, 1000), new Claim("b", 100, 0, 1000));
        assertThat(SiteShare.entitlements(20, claims)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 15L, "b", 5L));
        assertThat(SiteShare.allowance("a", 20, claims)).isEqualTo(15);
    }

    @Test
    void whatAQueueCannotUseGoesToTheOthers() {
        // b wants only 2 more: the rest of its part goes to a
        List<Claim> claims = List.of(new Claim("a", 100, 0, 1000), new Claim("b", 100, 1, 2));
        assertThat(SiteShare.entitlements(20, claims)).containsExactlyInAnyOrderEntriesOf(Map.of("a", 17L, "b", 3L));
    }

    @Test
    void aQueueWithNoDemandKeepsWhatItHoldsAndGetsNoMore() {
        List<Claim> claims = List.of(new Claim("idle", 0, 6, 0), new Claim("busy", 50, 0, 100));
        assertThat(SiteShare.entitlements(10, claims)).containsExactlyInAnyOrderEntriesOf(Map.of("idle", 6L, "busy", 4L));
        assertThat(SiteShare.allowance("idle", 10, claims)).isZero();
    }

    @Test
    void aQueueOverItsPartGetsNothingNewAndTheOtherGetsTheHeadroom() {
        List<Claim> claims = List.of(new Claim("early", 100, 9, 100), new Claim("late", 100, 0, 100));
        assertThat(SiteShare.allowance("early", 10, claims)).isZero();
        assertThat(SiteShare.allowance("late", 10, claims)).isEqualTo(1);
    }

    @Test
    void aSmallHeadroomStillGoesToSomeone() {
        List<Claim> claims = List.of(new Claim("a", 100, 4, 100), new Claim("b", 1, 0, 100), new Claim("c", 100, 5, 100));
        long given = SiteShare.allowance("a", 10, claims) + SiteShare.allowance("b", 10, claims)
                + SiteShare.allowance("c", 10, claims);
        assertThat(given).isEqualTo(1);
    }

    @Test
    void partsNeverPassTheCapNorWhatAQueueCanUseAndFollowDemand() {
        Random random = new Random(13);
        for (int i = 0; i < 50_000; i++) {
            long cap = 1 + random.nextInt(200);
            List<Claim> claims = new ArrayList<>();
            int queues = 1 + random.nextInt(5);
            for (int q = 0; q < queues; q++) {
                claims.add(new Claim("q" + q, random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(500),
                        random.nextInt(40), random.nextInt(4) == 0 ? 0 : random.nextInt(100)));
            }
            long held = claims.stream().mapToLong(Claim::held).sum();
            Map<String, Long> parts = SiteShare.entitlements(cap, claims);
            String at = "case " + i + ": cap " + cap + " " + claims + " -> " + parts;
            for (Claim c : claims) {
                long allowance = SiteShare.allowance(c.queue(), cap, claims);
                assertThat(allowance).as(at).isNotNegative().isLessThanOrEqualTo(Math.max(0, cap - held));
                if (c.want() > 0 && c.weight() > 0) {
                    assertThat(parts.get(c.queue())).as(at).isLessThanOrEqualTo(c.held() + c.want());
                } else {
                    assertThat(allowance).as(at + ": no want, nothing new").isZero();
                }
            }
            // The queues' cycles take their allowances one after the other, as under the site lock.
            List<Claim> now = new ArrayList<>(claims);
            for (int round = 0; round < 3; round++) {
                for (int q = 0; q < now.size(); q++) {
                    Claim c = now.get(q);
                    long take = Math.min(SiteShare.allowance(c.queue(), cap, now), c.want());
                    now.set(q, new Claim(c.queue(), c.weight(), c.held() + take, c.want() - take));
                }
            }
            long after = now.stream().mapToLong(Claim::held).sum();
            assertThat(after).as(at + ": together within the cap").isLessThanOrEqualTo(Math.max(cap, held));
            // Two open queues, neither saturated: parts follow demand to within a pilot.
            List<Claim> open = claims.stream().filter(c -> c.want() > 0 && c.weight() > 0
                    && parts.get(c.queue()) < c.held() + c.want()).toList();
            for (Claim a : open) {
                for (Claim b : open) {
                    double ratio = (double) a.weight() / b.weight();
                    assertThat(parts.get(a.queue())).as(at).isLessThanOrEqualTo((long) Math.ceil(ratio * (parts.get(b.queue()) + 1)));
                }
            }
        }
    }
}
