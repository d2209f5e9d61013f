package io.pilotd.driver.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every driver must do, run by each driver's own test against its fake cloud: one jobRef
 * per started stamp, bulk status that leaves out what the cloud does not know, kill that ends a
 * pilot, listOwned that finds this director's live pilots by stamp (with their age) and no one
 * else's, and lookUp that finds a batch again without starting it twice.
 */
public abstract class DriverContractTest {
    protected static final String DIRECTOR = "contract-director";

    /** A driver of queue "contract-q" for director {@link #DIRECTOR}, on a fresh fake cloud. */
    protected abstract PilotDriver driver() throws Exception;

    /** A well-formed jobRef of this driver's kind that its cloud never had. */
    protected abstract String unknownJobRef();

    /** What every pilot of the contract's requests carries; a driver whose pilots need more (a proxy) gives it. */
    protected PilotPayload payload() {
        return new PilotPayload(Map.of("PILOTD_QUEUE", "contract-q"), "#cloud-config\n");
    }

    protected PilotRequest request(int count) {
        String batchId = UUID.randomUUID().toString().replace("-", "");
        return new PilotRequest(batchId, BatchStamps.stamps(batchId, count), payload());
    }

    @Test
    void submitGivesOneDistinctJobRefPerStamp() throws Exception {
        PilotDriver driver = driver();
        PilotRequest request = request(3);
        Map<String, String> jobRefs = driver.submit(request);
        assertThat(jobRefs).containsOnlyKeys(request.stamps());
        assertThat(new HashSet<>(jobRefs.values())).hasSize(3);
    }

    @Test
    void statusAnswersForEveryKnownPilotAndLeavesOutUnknownOnes() throws Exception {
        PilotDriver driver = driver();
        Map<String, String> jobRefs = driver.submit(request(2));
        List<String> asked = new ArrayList<>(jobRefs.values());
        asked.add(unknownJobRef());
        Map<String, PilotState> states = driver.status(asked);
        assertThat(states).containsOnlyKeys(jobRefs.values());
        assertThat(states.values()).allSatisfy(s -> assertThat(s.status()).isNotEqualTo(PilotStatus.Submitting));
    }

    @Test
    void killEndsAPilotAndKillingAGoneOneIsNoError() throws Exception {
        PilotDriver driver = driver();
        String jobRef = driver.submit(request(1)).values().iterator().next();
        driver.kill(List.of(jobRef, unknownJobRef()));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        PilotState state = driver.status(List.of(jobRef)).get(jobRef);
        while (state != null && !state.status().isFinal() && Instant.now().isBefore(deadline)) {
            Thread.sleep(50);
            state = driver.status(List.of(jobRef)).get(jobRef);
        }
        assertThat(state == null || state.status().isFinal()).as("killed pilot: %s", state).isTrue();
    }

    @Test
    void listOwnedFindsThisDirectorsPilotsByStampAndNoOneElses() throws Exception {
        PilotDriver driver = driver();
        Map<String, String> jobRefs = driver.submit(request(3));
        List<OwnedPilot> owned = driver.listOwned(DIRECTOR);
        for (Map.Entry<String, String> pilot : jobRefs.entrySet()) {
            assertThat(owned).anySatisfy(o -> {
                assertThat(o.stamp()).isEqualTo(pilot.getKey());
                assertThat(o.jobRef()).isEqualTo(pilot.getValue());
            });
        }
        assertThat(owned).allSatisfy(o -> assertThat(o.createdAt()).isNotNull());
        assertThat(driver.listOwned("another-director")).isEmpty();
    }

    @Test
    void lookUpFindsASubmittedBatchAndStartsNothingNew() throws Exception {
        PilotDriver driver = driver();
        PilotRequest request = request(3);
        Map<String, String> jobRefs = driver.submit(request);
        int owned = driver.listOwned(DIRECTOR).size();

        BatchLookup found = driver.lookUp(request, DIRECTOR);

        assertThat(found.jobRefs()).isEqualTo(jobRefs);
        assertThat(found.definite()).isTrue();
        assertThat(driver.listOwned(DIRECTOR)).hasSize(owned);
    }

    /**
     * A batch whose first call never arrived may be started by its look-up (a cloud with an
     * idempotency token re-sends it) or not (one without finds nothing), but never twice.
     */
    @Test
    void lookingUpABatchTwiceNeverStartsItTwice() throws Exception {
        PilotDriver driver = driver();
        PilotRequest request = request(2);
        BatchLookup first = driver.lookUp(request, DIRECTOR);
        BatchLookup second = driver.lookUp(request, DIRECTOR);
        assertThat(second.jobRefs()).isEqualTo(first.jobRefs());
        assertThat(driver.listOwned(DIRECTOR)).hasSizeLessThanOrEqualTo(2);
    }

    @Test
    void theConsistencyWindowIsSaid() throws Exception {
        assertThat(driver().consistencyWindow().isNegative()).as("a negative window").isFalse();
    }
}
