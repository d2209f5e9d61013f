package io.pilotd.director.cycle;

import io.pilotd.director.store.QueueCounts;
import io.pilotd.director.store.SharedDemand;
import java.util.List;
import java.util.Map;

/**
 * What one submission did.
 *
 * @param demand  the shared demand the decision saw
 * @param jobRefs the pilots the cloud started, by stamp
 * @param aborted the stamps the cloud did not start
 * @param error   what went wrong, or null
 * @param failure whose fault it was, or null
 */
public record SubmitResult(SharedDemand.Demand demand, QueueCounts supply, Decision decision, String batchId,
                           Map<String, String> jobRefs, List<String> aborted, String error, Failure failure) {
    /** Why a submission failed: the cloud refused it, or could not answer. */
    public enum Failure {
        REFUSED,
        CLOUD
    }

    public int submitted() {
        return jobRefs.size();
    }
}
