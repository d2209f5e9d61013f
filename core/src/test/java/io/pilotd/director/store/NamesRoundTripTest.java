package io.pilotd.director.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.Matching;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.QueueLimits;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Site and CE names are DIRAC's, whatever characters they carry: they come back as they went in. */
class NamesRoundTripTest {
    @Test
    void quotesAndSemicolonsInSiteAndCeNamesRoundTrip() {
        String site = "LCG.O'Brien;DROP TABLE pilot;--.uk";
        String ce = "ce\"1\";.example.org";
        try (Database db = TestDatabases.fresh()) {
            QueueConfig queue = new QueueConfig("quoted", site, ce, "q'ueue", "fake", true, Duration.ofMinutes(1), null,
                    new QueueLimits(1, 1, 1, null, null, null, null), new Matching(Queues.VO, null, null, null, null, 1,
                    null, null), Map.of());
            Queues.sync(db, Map.of(site, SiteConfig.uncapped()), queue);

            assertThat(new SiteStore(db.jdbi()).all()).extracting(SiteRow::name).contains(site);
            QueueRow row = new QueueStore(db.jdbi()).get("quoted");
            assertThat(row.site()).isEqualTo(site);
            assertThat(row.ce()).isEqualTo(ce);
            assertThat(row.ceQueue()).isEqualTo("q'ueue");
            int pilots = db.jdbi().withHandle(h -> h.createQuery("select count(*) from pilot").mapTo(Integer.class).one());
            assertThat(pilots).as("the table the name mentions is still there").isZero();
            assertThat(new SharedDemand(db.jdbi()).of(List.of("quoted"))).containsKey("quoted");
        }
    }
}
