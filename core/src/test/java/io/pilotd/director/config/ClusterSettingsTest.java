package io.pilotd.director.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.testing.Daemons;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a cluster's directors must share, and what is each host's own. */
class ClusterSettingsTest {
    private static PilotdConfig config(String id, DiracSettings dirac) {
        PilotdConfig c = Daemons.config(id, true, 2, List.of(Daemons.queue("q", Duration.ofMinutes(1), Duration.ZERO, 1)));
        return new PilotdConfig(c.director(), c.database(), c.proxy(), c.pilot(), c.sites(), c.queues(),
                new DemandSettings(DemandSettings.DIRAC, null, null, null), dirac, c.endpoint());
    }

    private static DiracSettings.Connection at(String url, String passwordFile) {
        return new DiracSettings.Connection(url, "pilotd", passwordFile, null);
    }

    @Test
    void howAHostReachesDiracIsItsOwnWhetherPilotdMirrorsToDiracIsTheClusters() {
        PilotdConfig here = config("a", new DiracSettings(at("jdbc:mariadb://dirac-db.cern.ch/TaskQueueDB",
                "/etc/pilotd/tq.password"), null, null, null, null));
        PilotdConfig there = config("b", new DiracSettings(at("jdbc:mariadb://10.0.0.7/TaskQueueDB",
                "/srv/pilotd/tq.password"), null, null, null, null));
        assertThat(ClusterSettings.differences(ClusterSettings.of(here), ClusterSettings.of(there)))
                .as("the directors' ids, DIRAC's URL and password file").isEmpty();

        PilotdConfig mirrored = config("c", new DiracSettings(at("jdbc:mariadb://dirac-db.cern.ch/TaskQueueDB",
                "/etc/pilotd/tq.password"), at("jdbc:mariadb://dirac-db.cern.ch/PilotAgentsDB", "/etc/pilotd/pa.password"),
                null, null, null));
        assertThat(ClusterSettings.differences(ClusterSettings.of(mirrored), ClusterSettings.of(here)))
                .containsExactly("dirac.pilotAgentsDB: set in this file, not set in the cluster's");
    }
}
