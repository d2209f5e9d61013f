package io.pilotd.driver.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.RetryableDriverException;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeAws;
import io.pilotd.fakes.FakeBatch;
import io.pilotd.fakes.FakeClock;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The aws-batch driver: the real SDK client against a fake Batch speaking REST-JSON on 127.0.0.1. */
class BatchDriverTest extends AwsDriverTest {
    private PilotDriver driver(Map<String, Object> extra) throws InvalidParametersException {
        Map<String, Object> p = aws(fake);
        p.put("jobQueue", "pilots");
        p.put("jobDefinition", "dirac-pilot:3");
        p.put("tags", Map.of("project", "lhcb"));
        p.putAll(extra);
        return new BatchDriverFactory().create(new DriverParameters(p), context(DIRECTOR));
    }

    @Override
    protected PilotDriver driver() throws Exception {
        return driver(Map.of());
    }

    @Override
    protected String unknownJobRef() {
        return "awsbatch://eu-central-1/pilots/job-unknown";
    }

    private JsonNode lastSubmit() {
        List<FakeAws.Call> calls = fake.calls("Batch.submitjob");
        return FakeBatch.tree(calls.get(calls.size() - 1).body());
    }

    private static String env(JsonNode submit, String name) {
        for (JsonNode pair : submit.path("containerOverrides").path("environment")) {
            if (pair.path("name").asText().equals(name)) {
                return pair.path("value").asText();
            }
        }
        return null;
    }

    @Test
    void onePilotIsOnePlainJobWithItsStamp() throws Exception {
        PilotRequest request = request(1);
        Map<String, String> jobRefs = driver().submit(request);

        assertThat(fake.count("Batch.submitjob")).isEqualTo(1);
        JsonNode submit = lastSubmit();
        assertThat(submit.has("arrayProperties")).isFalse();
        assertThat(env(submit, PilotPayload.STAMP_VARIABLE)).isEqualTo(request.stamps().get(0));
        assertThat(jobRefs.get(request.stamps().get(0))).matches("awsbatch://eu-central-1/pilots/job-\\d+");
    }

    @Test
    void theBootstrapTravelsGzippedInTheEnvironment() throws Exception {
        PilotRequest plain = request(2);
        String script = "#!/bin/sh\necho pilot $DIRAC_PILOT_STAMP\n";
        driver().submit(new PilotRequest(plain.batchId(), plain.stamps(), new PilotPayload(Map.of(), "", script)));
        byte[] gz = Base64.getDecoder().decode(env(lastSubmit(), "PILOTD_BOOTSTRAP"));
        assertThat(new String(new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo(script);
    }

    @Test
    void sevenAndFiveHundredPilotsAreOneArrayJobEach() throws Exception {
        PilotDriver driver = driver();
        for (int n : new int[] {7, 500}) {
            int before = fake.count("Batch.submitjob");
            PilotRequest request = request(n);
            Map<String, String> jobRefs = driver.submit(request);

            assertThat(fake.count("Batch.submitjob") - before).as("SubmitJob calls for %d pilots", n).isEqualTo(1);
            JsonNode submit = lastSubmit();
            assertThat(submit.path("arrayProperties").path("size").asInt()).isEqualTo(n);
            assertThat(submit.path("jobName").asText()).isEqualTo("pilotd-" + DIRECTOR + "-" + request.stamps().get(0));
            assertThat(submit.path("jobQueue").asText()).isEqualTo("pilots");
            assertThat(submit.path("jobDefinition").asText()).isEqualTo("dirac-pilot:3");
            assertThat(submit.path("timeout").path("attemptDurationSeconds").asInt()).as("the request's maxLifetime")
                    .isEqualTo(48 * 3600);
            assertThat(submit.path("tags").path("pilotd:director").asText()).isEqualTo(DIRECTOR);
            assertThat(submit.path("tags").path("pilotd:queue").asText()).isEqualTo("contract-q");
            assertThat(submit.path("tags").path("pilotd:batch").asText()).isEqualTo(request.batchId());
            assertThat(submit.path("tags").path("project").asText()).isEqualTo("lhcb");
            assertThat(env(submit, "PILOTD_BATCH")).isEqualTo(request.batchId());
            assertThat(env(submit, "PILOTD_QUEUE")).isEqualTo("contract-q");
            String jobId = jobRefs.get(request.stamps().get(0));
            jobId = jobId.substring(jobId.lastIndexOf('/') + 1, jobId.indexOf(':', "awsbatch://".length()));
            for (int i = 0; i < n; i++) {
                assertThat(jobRefs.get(request.stamps().get(i))).endsWith("/" + jobId + ":" + i);
            }
            assertThat(RequestSize.of(software.amazon.awssdk.services.batch.model.SubmitJobRequest.builder()
                    .jobName(submit.path("jobName").asText()).build())).isLessThan(BatchDriver.REQUEST_LIMIT);
        }
    }

    @Test
    void statusMapsEveryBatchStateWithItsReason() throws Exception {
        PilotDriver driver = driver();
        Map<String, String> jobRefs = driver.submit(request(8));
        List<String> refs = new ArrayList<>(jobRefs.values());
        String[] batchStates = {"SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED", "FAILED"};
        for (int i = 0; i < refs.size(); i++) {
            String id = refs.get(i).substring(refs.get(i).lastIndexOf('/') + 1);
            boolean started = i != 7;
            fake.batch.set(id, batchStates[i], started ? 1000L : null,
                    i == 6 ? "Essential container in task exited" : i == 7 ? "CannotPullContainerError" : null,
                    i == 6 ? 2 : null);
        }

        Map<String, PilotState> states = driver.status(refs);

        assertThat(refs.stream().map(r -> states.get(r).status()).toList()).containsExactly(
                PilotStatus.Waiting, PilotStatus.Waiting, PilotStatus.Waiting, PilotStatus.Scheduled,
                PilotStatus.Running, PilotStatus.Done, PilotStatus.Failed, PilotStatus.Aborted);
        assertThat(states.get(refs.get(6)).reason()).isEqualTo("FAILED: Essential container in task exited (exit code 2)");
        assertThat(states.get(refs.get(7)).reason()).isEqualTo("FAILED: CannotPullContainerError");
    }

    @Test
    void statusReadsAHundredJobsPerCall() throws Exception {
        PilotDriver driver = driver();
        List<String> refs = new ArrayList<>(driver.submit(request(250)).values());
        int before = fake.count("Batch.describejobs");

        assertThat(driver.status(refs)).hasSize(250);

        List<FakeAws.Call> calls = fake.calls("Batch.describejobs");
        assertThat(calls.size() - before).isEqualTo(3);
        assertThat(calls.subList(before, calls.size()))
                .allSatisfy(c -> assertThat(FakeBatch.tree(c.body()).path("jobs").size()).isLessThanOrEqualTo(100));
    }

    @Test
    void killTerminatesAndOutputIsTheJobsLogStream() throws Exception {
        PilotDriver driver = driver();
        String jobRef = driver.submit(request(1)).values().iterator().next();
        String jobId = jobRef.substring(jobRef.lastIndexOf('/') + 1);
        fake.logStreams.put("pilot/default/" + jobId, List.of("pilot starting", "matched job 42"));

        assertThat(driver.output(jobRef)).hasValue("pilot starting\nmatched job 42\n");
        driver.kill(List.of(jobRef));
        assertThat(FakeBatch.tree(fake.calls("Batch.terminatejob").get(0).body()).path("jobId").asText()).isEqualTo(jobId);
        assertThat(driver.status(List.of(jobRef)).get(jobRef).status()).isEqualTo(PilotStatus.Aborted);
    }

    @Test
    void killingEveryChildOfAnArrayIsOneCallOnItsParent() throws Exception {
        PilotDriver driver = driver();
        List<String> all = new ArrayList<>(driver.submit(request(7)).values());
        List<String> some = new ArrayList<>(driver.submit(request(7)).values()).subList(0, 2);

        driver.kill(all);
        assertThat(fake.count("Batch.terminatejob")).isEqualTo(1);
        driver.kill(some);
        assertThat(fake.count("Batch.terminatejob")).isEqualTo(3);

        assertThat(driver.status(all).values()).allSatisfy(s -> assertThat(s.status()).isEqualTo(PilotStatus.Aborted));
        assertThat(driver.status(some).values()).allSatisfy(s -> assertThat(s.status()).isEqualTo(PilotStatus.Aborted));
    }

    @Test
    void listOwnedListsEachLiveStatusFollowingPagesAndNeverTheHistory() throws Exception {
        fake.batch.pageSize = 2;
        PilotDriver driver = driver();
        List<String> stamps = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            stamps.addAll(driver.submit(request(i % 2 == 0 ? 1 : 3)).keySet());
        }
        String ended = driver.submit(request(1)).values().iterator().next();
        fake.batch.set(ended.substring(ended.lastIndexOf('/') + 1), "SUCCEEDED", 1000L, null, 0);

        List<OwnedPilot> owned = driver.listOwned(DIRECTOR);

        assertThat(owned.stream().map(OwnedPilot::stamp)).containsExactlyInAnyOrderElementsOf(stamps);
        assertThat(owned).allSatisfy(o -> assertThat(o.createdAt()).isNotNull());
        // SUBMITTED: 3 plain jobs in pages of 2; PENDING: the 2 arrays; RUNNABLE, STARTING, RUNNING: empty
        assertThat(fake.count("Batch.listjobs")).isEqualTo(6);
        assertThat(fake.calls("Batch.listjobs")).as("a filter would list every status, the whole history")
                .allSatisfy(c -> assertThat(FakeBatch.tree(c.body()).has("filters")).isFalse());
    }

    /** A stamp its requester chose (the serverless endpoint's job name) cannot be derived from the batch id. */
    @Test
    void aSingleJobIsListedWithTheStampItCarries_derivedOrNot() throws Exception {
        PilotDriver driver = driver();
        PilotRequest derived = request(1);
        PilotRequest chosen = new PilotRequest(derived.batchId() + "0", List.of("0123456789abcdef0123456789abcdef"),
                derived.payload());
        String jobRef = driver.submit(chosen).get("0123456789abcdef0123456789abcdef");
        driver.submit(derived);

        assertThat(driver.listOwned(DIRECTOR)).extracting(OwnedPilot::stamp)
                .containsExactlyInAnyOrder("0123456789abcdef0123456789abcdef", derived.stamps().get(0));
        assertThat(driver.nativeId(jobRef)).contains(jobRef.substring(jobRef.lastIndexOf('/') + 1));
    }

    @Test
    void aLostSubmitJobAnswerIsAnUnknownOutcomeNeverRetriedAndTheJobIsFoundByItsName() throws Exception {
        FakeClock clock = new FakeClock();
        fake.close();
        fake = new FakeAws(new CloudBehaviour(clock, 7).lostAnswers(1.0).listingLag(Duration.ofMinutes(2)));
        PilotDriver driver = driver();
        PilotRequest request = request(4);

        assertThatThrownBy(() -> driver.submit(request)).isInstanceOf(OutcomeUnknownException.class)
                .hasMessageContaining("SubmitJob").hasMessageContaining("AWS may have acted");
        assertThat(fake.count("Batch.submitjob")).as("no idempotency token: never repeated").isEqualTo(1);
        assertThat(fake.batch.jobs().stream().filter(FakeBatch.Job::isPilot)).hasSize(4);

        fake.behaviour.lostAnswers(0);
        assertThat(driver.lookUp(request, DIRECTOR).definite()).as("not listed yet").isFalse();
        clock.advance(Duration.ofMinutes(3));
        var found = driver.lookUp(request, DIRECTOR);
        assertThat(found.definite()).isTrue();
        assertThat(found.jobRefs()).containsOnlyKeys(request.stamps());
        assertThat(fake.count("Batch.submitjob")).isEqualTo(1);
    }

    @Test
    void everyShapeOfA5xxIsClassifiedNeverThrownRaw() throws Exception {
        PilotDriver driver = driver();
        for (FakeAws.Reply reply : List.of(FakeAws.Reply.html503(),
                new FakeAws.Reply(502, Map.of(), ""),
                new FakeAws.Reply(500, Map.of("Content-Type", "application/json"), "{\"mess"),
                FakeAws.batchError(500, "ServerException", "Internal"))) {
            int before = fake.count("Batch.submitjob");
            fake.fail("Batch.submitjob", 1, reply);
            assertThatThrownBy(() -> driver.submit(request(2))).as("HTTP %d", reply.status())
                    .isInstanceOf(OutcomeUnknownException.class);
            assertThat(fake.count("Batch.submitjob") - before).isEqualTo(1);
            fake.fail("Batch.describejobs", 4, reply);
            assertThatThrownBy(() -> driver.status(List.of(unknownJobRef()))).isInstanceOf(RetryableDriverException.class);
        }
    }

    @Test
    void aStagedPayloadIsDeletedOnceItsBatchHasEnded() throws Exception {
        PilotDriver driver = driver(Map.of("stagingBucket", "pilotd-staging"));
        PilotRequest request = bigRequest(3);
        List<String> refs = new ArrayList<>(driver.submit(request).values());
        String key = "/pilotd-staging/pilotd/" + request.batchId() + "/0.env";
        assertThat(fake.s3Objects).containsKey(key);
        String parent = refs.get(0).substring(refs.get(0).lastIndexOf('/') + 1, refs.get(0).lastIndexOf(':'));
        fake.batch.set(parent + ":0", "SUCCEEDED", 1000L, null, 0);
        fake.batch.set(parent + ":1", "RUNNING", 1000L, null, null);

        driver.status(refs);
        assertThat(fake.s3Objects).as("a pilot of the batch may still need it").containsKey(key);

        fake.batch.set(parent + ":1", "SUCCEEDED", 1000L, null, 0);
        fake.batch.set(parent + ":2", "FAILED", 1000L, "exit 1", 1);
        driver.status(refs.subList(1, 3));
        assertThat(fake.s3Objects).doesNotContainKey(key);
    }

    @Test
    void throttlingIsRetriedThenSucceeds() throws Exception {
        fake.fail("Batch.submitjob", 2, FakeAws.batchError(429, "TooManyRequestsException", "Too Many Requests"));
        Map<String, String> jobRefs = driver().submit(request(3));
        assertThat(jobRefs).hasSize(3);
        assertThat(fake.count("Batch.submitjob")).isEqualTo(3);
    }

    @Test
    void throttlingThatLastsIsRetryableAndARefusalIsNot() throws Exception {
        PilotDriver driver = driver();
        fake.fail("Batch.submitjob", 10, FakeAws.batchError(429, "TooManyRequestsException", "Too Many Requests"));
        assertThatThrownBy(() -> driver.submit(request(1))).isInstanceOf(RetryableDriverException.class)
                .hasMessageContaining("TooManyRequestsException");

        fake.close();
        fake = new FakeAws();
        fake.fail("Batch.submitjob", 1, FakeAws.batchError(400, "ClientException", "Job queue pilots does not exist"));
        assertThatThrownBy(() -> driver().submit(request(1)))
                .isInstanceOf(DriverException.class).isNotInstanceOf(RetryableDriverException.class)
                .hasMessage("SubmitJob: ClientException: Job queue pilots does not exist");
    }

    private PilotRequest bigRequest(int n) {
        PilotRequest small = request(n);
        return new PilotRequest(small.batchId(), small.stamps(),
                new PilotPayload(Map.of("PILOTD_WRAPPER", "x".repeat(40_000)), ""));
    }

    @Test
    void aPayloadOverThe30KiBLimitIsRefusedBeforeTheCallWithoutABucket() throws Exception {
        assertThatThrownBy(() -> driver().submit(bigRequest(5)))
                .isInstanceOf(DriverException.class)
                .hasMessageContaining("over AWS Batch's 30720-byte SubmitJob limit: set stagingBucket");
        assertThat(fake.count("Batch.submitjob")).isZero();
    }

    @Test
    void aPayloadOverTheLimitTravelsThroughS3WhenABucketIsSet() throws Exception {
        PilotRequest request = bigRequest(5);
        driver(Map.of("stagingBucket", "pilotd-staging", "stagingPrefix", "payloads/")).submit(request);

        assertThat(fake.s3Objects).containsKey("/pilotd-staging/payloads/" + request.batchId() + "/0.env");
        assertThat(fake.s3Objects.values().iterator().next()).contains("export PILOTD_WRAPPER='xxxx");
        JsonNode submit = lastSubmit();
        assertThat(env(submit, "PILOTD_PAYLOAD_URL")).contains("/pilotd-staging/payloads/" + request.batchId())
                .contains("X-Amz-Signature=");
        assertThat(env(submit, "PILOTD_WRAPPER")).isNull();
        assertThat(env(submit, "PILOTD_BATCH")).isEqualTo(request.batchId());
    }

    @Test
    void badParametersAreAllNamed() {
        Map<String, Object> p = Map.of("region", "Frankfurt", "jobDefinition", "d", "jobTimeout", "30s",
                "tags", Map.of("pilotd:queue", "x"), "stagingBucket", "Not_A_Bucket", "roleArn", "admin");
        assertThatThrownBy(() -> new BatchDriverFactory().create(new DriverParameters(p), context("d")))
                .isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("region: 'Frankfurt' is not an AWS region name")
                .hasMessageContaining("jobQueue: is required")
                .hasMessageContaining("jobTimeout: is no longer a parameter of this driver: set the queue's limits.maxLifetime")
                .hasMessageContaining("tags.pilotd:queue: the prefixes pilotd: and aws: are reserved")
                .hasMessageContaining("stagingBucket: 'Not_A_Bucket' is not an S3 bucket name")
                .hasMessageContaining("roleArn: 'admin' is not an IAM role ARN");
    }
}
