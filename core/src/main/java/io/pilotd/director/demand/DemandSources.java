package io.pilotd.director.demand;

import io.pilotd.director.background.Background;
import io.pilotd.director.config.PilotdConfig;
import io.pilotd.director.config.QueueConfig;
import io.pilotd.director.dirac.DiracDatabase;
import io.pilotd.director.dirac.TaskQueueDbReader;
import io.pilotd.director.store.ClusterDuties;
import io.pilotd.director.store.Database;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** The demand source {@code demand.source} names. */
public final class DemandSources {
    private DemandSources() {
    }

    /**
     * @param duties     this director's part in the work done once per cluster (the DIRAC poll)
     * @param background where a source's periodic reads run
     */
    public static DemandSource of(PilotdConfig config, Database database, ClusterDuties duties, Background background,
                                  Map<String, String> env) {
        List<String> queues = config.queues().stream().map(QueueConfig::name).toList();
        if (config.demand().fromDirac()) {
            DiracDatabase taskQueueDB = DiracDatabase.open("dirac.taskQueueDB", config.dirac().taskQueueDB(), true, env);
            return new DiracTaskQueueDB(new TaskQueueDbReader(taskQueueDB), new DemandStore(database.jdbi()), duties, queues,
                    config.demand(), Clock.systemUTC(), background);
        }
        return new PilotdTaskQueue(database, queues, config.demand());
    }
}
