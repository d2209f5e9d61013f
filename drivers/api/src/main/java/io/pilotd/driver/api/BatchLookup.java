package io.pilotd.driver.api;

import java.util.Map;

/**
 * What the cloud says it started for one submission whose answer was lost.
 *
 * @param jobRefs  the pilots of the batch it has, by stamp
 * @param definite true when this is the whole answer (EC2 answering a re-sent ClientToken, a
 *                 driver whose state is local): a stamp missing from {@code jobRefs} was not
 *                 started. False when it comes from a listing that may lag behind the create:
 *                 a missing stamp may still show up.
 */
public record BatchLookup(Map<String, String> jobRefs, boolean definite) {
    public BatchLookup {
        jobRefs = Map.copyOf(jobRefs);
    }
}
