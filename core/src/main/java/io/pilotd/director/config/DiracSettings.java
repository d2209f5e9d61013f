package io.pilotd.director.config;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A DIRAC installation's databases (MariaDB).
 *
 * @param taskQueueDB   its TaskQueueDB, read-only: the demand when {@code demand.source} is dirac
 * @param pilotAgentsDB its PilotAgentsDB: when given, every pilot is copied into its PilotAgents
 *                      table and kept in step, so that DIRAC's tools see pilotd's pilots
 * @param mirrorEvery   how often the changes of pilots are copied there (default 10s)
 * @param touchEvery    how often every live pilot is written there again, changed or not (default 12h):
 *                      DIRAC's PilotStatusAgent takes a pilot whose LastUpdateTime is older than its
 *                      PilotStalledDays (3 by default) for a stalled one, marks it Deleted and kills it
 * @param osCompatibility DIRAC's {@code /Resources/Computing/OSCompatibility}: each DIRAC platform
 *                      with the OSes it runs on, for the queues that give {@code matching.os}
 */
public record DiracSettings(Connection taskQueueDB, Connection pilotAgentsDB, Duration mirrorEvery, Duration touchEvery,
                            Map<String, List<String>> osCompatibility) {
    /** DIRAC's PilotStatusAgent's default PilotStalledDays (WorkloadManagementSystem/ConfigTemplate.cfg). */
    public static final Duration PILOT_STALLED = Duration.ofDays(3);

    public static DiracSettings none() {
        return new DiracSettings(null, null, null, null);
    }

    public DiracSettings(Connection taskQueueDB, Connection pilotAgentsDB, Duration mirrorEvery, Duration touchEvery) {
        this(taskQueueDB, pilotAgentsDB, mirrorEvery, touchEvery, null);
    }

    public DiracSettings {
        mirrorEvery = mirrorEvery == null ? Duration.ofSeconds(10) : mirrorEvery;
        touchEvery = touchEvery == null ? Duration.ofHours(12) : touchEvery;
        osCompatibility = Collections.unmodifiableMap(OsCompatibility.copy(osCompatibility));
    }

    /**
     * One of DIRAC's databases. The password is never inline: a file, or the name of an
     * environment variable.
     *
     * @param url a MariaDB Connector/J URL, {@code jdbc:mariadb://host:3306/TaskQueueDB}
     */
    public record Connection(String url, String user, String passwordFile, String passwordEnv) {
    }
}
