package io.pilotd.driver.api;

import java.util.OptionalInt;

/**
 * What each pilot of a queue is matched for (the queue's {@code matching}): a driver that sizes
 * what it starts (a container's requests and limits) takes the size from here, so that pilots
 * get what the jobs sent to them were promised.
 *
 * @param processors cores per pilot, at least 1
 * @param memoryMB   memory per pilot in MB, or 0 where the queue says none
 */
public record PilotSize(int processors, int memoryMB) {
    public static final PilotSize ONE_CORE = new PilotSize(1, 0);

    public PilotSize {
        if (processors < 1) {
            throw new IllegalArgumentException("processors must be at least 1, not " + processors);
        }
        if (memoryMB < 0) {
            throw new IllegalArgumentException("memoryMB must not be negative, not " + memoryMB);
        }
    }

    public OptionalInt memory() {
        return memoryMB == 0 ? OptionalInt.empty() : OptionalInt.of(memoryMB);
    }
}
