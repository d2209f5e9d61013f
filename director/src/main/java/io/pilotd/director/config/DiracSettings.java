package io.pilotd.director.config;

import java.time.Duration;

/**
 * A DIRAC installation's databases (MySQL or MariaDB).
 *
 * @param taskQueueDB   its TaskQueueDB, read-only: the demand when {@code demand.source} is dirac
 * @param pilotAgentsDB its PilotAgentsDB: when given, every pilot is copied into its PilotAgents
 *                      table and kept in step, so that DIRAC's tools see pilotd's pilots
 * @param mirrorEvery   how often the changes of pilots are copied there (default 10s)
 */
public record DiracSettings(Connection taskQueueDB, Connection pilotAgentsDB, Duration mirrorEvery) {
    public static DiracSettings none() {
        return new DiracSettings(null, null, null);
    }

    public DiracSettings {
        mirrorEvery = mirrorEvery == null ? Duration.ofSeconds(10) : mirrorEvery;
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
