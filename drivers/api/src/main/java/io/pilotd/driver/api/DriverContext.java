package io.pilotd.driver.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What the host tells a driver about where it runs.
 *
 * @param directorId the id every cloud resource is tagged with
 * @param queue      the queue this driver instance serves (one instance per queue)
 * @param workDir    a directory the driver may keep state in; it survives restarts
 */
public record DriverContext(String directorId, String queue, Path workDir) {
    public DriverContext {
        Objects.requireNonNull(directorId, "directorId");
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(workDir, "workDir");
    }
}
