package io.pilotd.director.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.config.SiteConfig;
import io.pilotd.director.testing.Queues;
import io.pilotd.director.testing.TestDatabases;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigMirrorTest {

    private static PilotdConfig config(int maxRunning, Integer siteCores, QueueConfig... extra) {
        QueueConfig q = Queues.queue("q", maxRunning, 5, 5);
        List<QueueConfig> queues = new ArrayList<>(List.of(q));
        queues.addAll(List.of(extra));
        Map<String, SiteConfig> sites = new HashMap<>();
        queues.forEach(each -> sites.put(each.site(), new SiteConfig(null, null, siteCores)));
        return new PilotdConfig(null, null, null, null, sites, queues);
    }

    @Test
    void aCommandsConfigAddsWhatIsMissingAndNeverChangesTheDaemonsLimits() {
        try (Database db = TestDatabases.fresh()) {
            ConfigMirror.sync(db.jdbi(), config(10, 40));

            ConfigMirror.addMissing(db.jdbi(), config(99, 999, Queues.queue("new-q", 3, 3, 3)));

            QueueStore queues = new QueueStore(db.jdbi());
            assertThat(queues.get("q").maxRunning()).isEqualTo(10);
            assertThat(queues.get("new-q").maxRunning()).isEqualTo(3);
            assertThat(new SiteStore(db.jdbi()).all()).filteredOn(s -> s.name().equals("SITE.q.de"))
                    .singleElement().satisfies(s -> assertThat(s.maxCores()).isEqualTo(40));

            ConfigMirror.sync(db.jdbi(), config(20, 50));
            assertThat(queues.get("q").maxRunning()).as("the daemon's start writes its config").isEqualTo(20);
        }
    }
}
