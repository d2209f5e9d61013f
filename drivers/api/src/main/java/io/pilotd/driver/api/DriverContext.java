package io.pilotd.driver.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What the host tells a driver about where it runs.
 *
 * @param directorId the id every cloud resource is tagged with
 * @param queue      the queue this driver instance serves (one instance per queue)
 * @param workDir    a directory the driver may keep state in; it survives restarts
 * @param pilotSize  what each pilot is matched for
 */
public record DriverContext(String directorId, String queue, Path workDir, PilotSize pilotSize) {
    public DriverContext {
        Objects.requireNonNull(directorId, "directorId");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(pilotSize, "pilotSize");
    }

    /** For a queue whose pilots are matched for one core and any memory. */
    public DriverContext(String directorId, String queue, Path workDir) {
        this(directorId, queue, workDir, PilotSize.ONE_CORE);
    }
}
