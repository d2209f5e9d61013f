package io.pilotd.driver.serverless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.BatchStamps;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.PartlyRefusedException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.driver.api.RetryableDriverException;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeServerless;
import io.pilotd.proxy.TestTls;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the serverless driver does with each answer of an endpoint that behaves like a real one. */
class ServerlessDriverTest {
    private static final String DIRECTOR = "serverless-test";
    private static final String PROXY = "-----BEGIN CERTIFICATE-----\nMIIB...proxy\n-----END CERTIFICATE-----\n";
    private static final String WRAPPER = "#!/bin/sh\nexec python3 dirac-pilot.py --stamp\n";

    @TempDir
    Path dir;
    private ServerlessFixture fixture;
    /** Every message the driver gave: none may hold the key. */
    private final List<String> messages = new ArrayList<>();

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
        assertThat(messages).noneMatch(m -> m.contains(ServerlessFixture.KEY));
    }

    private static PilotRequest request(int count) {
        String batchId = UUID.randomUUID().toString().replace("-", "");
        String proxy = Base64.getEncoder().encodeToString(PROXY.getBytes(StandardCharsets.US_ASCII));
        return new PilotRequest(batchId, BatchStamps.stamps(batchId, count), new PilotPayload(Map.of(),
                Map.of(PilotPayload.PROXY_VARIABLE, proxy), "", "", WRAPPER));
    }

    private PilotDriver driver(CloudBehaviour behaviour) throws InvalidParametersException {
        fixture = new ServerlessFixture(dir, behaviour);
        return fixture.driver(DIRECTOR, fixture.parameters());
    }

    private <T extends Throwable> T caught(Class<T> type, ThrowingCall call) {
        try {
            call.run();
        } catch (Throwable e) {
            messages.add(String.valueOf(e.getMessage()));
            assertThat(e).isInstanceOf(type);
            return type.cast(e);
        }
        throw new AssertionError("no " + type.getSimpleName() + " was thrown");
    }

    private interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void eachPilotIsOnePostWithItsStampAsJobName_carryingTheProxyAndWrapper_andTheEndpointsIdIsItsNativeId() throws Exception {
        PilotDriver driver = driver(CloudBehaviour.perfect());
        PilotRequest request = request(2);

        Map<String, String> jobRefs = driver.submit(request);

        String host = fixture.endpoint.url().substring("https://".length());
        assertThat(jobRefs).containsExactlyInAnyOrderEntriesOf(Map.of(request.stamps().get(0), host + "/" + request.stamps().get(0),
                request.stamps().get(1), host + "/" + request.stamps().get(1)));
        FakeServerless.Job job = fixture.endpoint.jobs().get(request.stamps().get(0));
        assertThat(job.queue()).isEqualTo("batch-eu");
        assertThat(job.proxyPem()).isEqualTo(PROXY);
        assertThat(job.wrapper()).isEqualTo(WRAPPER);
        assertThat(driver.nativeId(jobRefs.get(request.stamps().get(0)))).contains(job.jobId());

        fixture.endpoint.set(request.stamps().get(1), "Running");
        fixture.endpoint.set(request.stamps().get(0), "Done");
        int asked = fixture.endpoint.jobCalls.get();
        Map<String, PilotState> states = driver.status(new ArrayList<>(jobRefs.values()));
        assertThat(states.get(jobRefs.get(request.stamps().get(1))).status()).isEqualTo(PilotStatus.Running);
        assertThat(states.get(jobRefs.get(request.stamps().get(0))).status()).isEqualTo(PilotStatus.Done);
        assertThat(fixture.endpoint.listCalls.get()).as("one listing for the live pilots").isEqualTo(1);
        assertThat(fixture.endpoint.jobCalls.get() - asked).as("one call for the pilot that ended, which it does not show")
                .isEqualTo(1);
        assertThat(driver.output(jobRefs.get(request.stamps().get(1)))).contains("output of " + request.stamps().get(1));
    }

    @Test
    void anEndpointThatTakesTwoOfFourStartsThemAndRefusesTheOthersInItsWords() throws Exception {
        PilotDriver driver = driver(CloudBehaviour.perfect());
        fixture.endpoint.admits = 2;
        PilotRequest request = request(4);

        PartlyRefusedException partly = caught(PartlyRefusedException.class, () -> driver.submit(request));
        assertThat(partly.started()).containsOnlyKeys(request.stamps().subList(0, 2));
        assertThat(partly.refused()).containsExactlyElementsOf(request.stamps().subList(2, 4));
        assertThat(partly.getMessage()).startsWith("2 of 4 pilots started, then: ").contains("holds its maxWaiting");
        assertThat(fixture.endpoint.jobs()).hasSize(2);
    }

    @Test
    void aWrongKeyIsARefusalWithTheEndpointsReason_andTheKeyIsInNoMessage() throws Exception {
        driver(CloudBehaviour.perfect());
        Map<String, Object> parameters = new LinkedHashMap<>(fixture.parameters());
        parameters.put("apiKeyFile", fixture.secret("wrong.key", "pilotd_wrong-key").toString());
        PilotDriver wrong = fixture.driver(DIRECTOR, parameters);

        DriverException refused = caught(DriverException.class, () -> wrong.submit(request(1)));
        assertThat(refused).isNotInstanceOf(RetryableDriverException.class).isNotInstanceOf(OutcomeUnknownException.class);
        assertThat(refused.getMessage()).contains("the endpoint refused the key (403): Forbidden").doesNotContain("pilotd_wrong-key");
        assertThat(fixture.endpoint.jobs()).isEmpty();
    }

    @Test
    void aThrottledOrFailedCallStartedNothing_andALostAnswerIsFoundByItsName_neverStartedTwice() throws Exception {
        PilotDriver throttled = driver(CloudBehaviour.perfect().throttled(1));
        caught(RetryableDriverException.class, () -> throttled.submit(request(1)));
        fixture.close();
        PilotDriver failing = driver(CloudBehaviour.perfect().serverErrors(1));
        caught(RetryableDriverException.class, () -> failing.submit(request(1)));
        assertThat(fixture.endpoint.jobs()).isEmpty();
        fixture.close();

        PilotDriver losing = driver(CloudBehaviour.perfect().lostAnswers(1));
        PilotRequest request = request(1);
        caught(OutcomeUnknownException.class, () -> losing.submit(request));
        assertThat(fixture.endpoint.jobs()).hasSize(1);

        BatchLookup found = losing.lookUp(request, DIRECTOR);
        assertThat(found.jobRefs()).containsOnlyKeys(request.stamps());
        assertThat(found.definite()).isTrue();
        assertThat(losing.lookUp(request, DIRECTOR).jobRefs()).isEqualTo(found.jobRefs());
        assertThat(fixture.endpoint.submitCalls.get()).as("a look-up never posts").isEqualTo(1);
    }

    @Test
    void aJobNotShownYetIsNoDefiniteAbsence() throws Exception {
        PilotDriver driver = driver(CloudBehaviour.perfect().listingLag(java.time.Duration.ofHours(1)));
        PilotRequest request = request(1);
        String jobRef = driver.submit(request).get(request.stamps().get(0));

        assertThat(driver.status(List.of(jobRef))).isEmpty();
        BatchLookup found = driver.lookUp(request, DIRECTOR);
        assertThat(found.jobRefs()).isEmpty();
        assertThat(found.definite()).isFalse();
    }

    @Test
    void withoutJobUrlsNothingIsFollowed_andPilotsAgeOut() throws Exception {
        PilotDriver driver = driver(CloudBehaviour.perfect());
        fixture.endpoint.jobUrls = false;
        Map<String, Object> parameters = new LinkedHashMap<>(fixture.parameters());
        parameters.put("jobUrls", false);
        PilotDriver gateway = fixture.driver(DIRECTOR, parameters);
        PilotRequest request = request(1);

        String jobRef = gateway.submit(request).get(request.stamps().get(0));

        assertThat(jobRef).isNotNull();
        assertThat(gateway.status(List.of(jobRef))).isEmpty();
        assertThat(gateway.listOwned(DIRECTOR)).isEmpty();
        assertThat(gateway.lookUp(request, DIRECTOR).definite()).isFalse();
        assertThat(gateway.output(jobRef)).isEmpty();
        assertThat(caught(DriverException.class, () -> gateway.kill(List.of(jobRef))).getMessage())
                .contains("has no job URLs");
        driver.close();
    }

    @Test
    void aCertificateOfAnotherCaIsNeverTrusted() throws Exception {
        driver(CloudBehaviour.perfect());
        TestTls.Pem other = TestTls.write(Files.createDirectories(dir.resolve("other")));
        Map<String, Object> parameters = new LinkedHashMap<>(fixture.parameters());
        parameters.put("caBundle", other.ca().toString());
        PilotDriver untrusting = fixture.driver(DIRECTOR, parameters);

        assertThat(caught(RetryableDriverException.class, () -> untrusting.submit(request(1))).getMessage())
                .contains("SSLHandshakeException");
        assertThat(fixture.endpoint.submitCalls.get()).isZero();
    }

    @Test
    void badParametersAreNamed() throws Exception {
        driver(CloudBehaviour.perfect());
        Path open = Files.writeString(dir.resolve("open.key"), "pilotd_x\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        Map<String, Object> parameters = Map.of("endpoint", "http://endpoint.example.org", "apiKeyFile", open.toString(),
                "caBundle", open.toString(), "jobUrl", true);

        InvalidParametersException e = caught(InvalidParametersException.class, () -> fixture.driver(DIRECTOR, parameters));
        assertThat(e.problems()).extracting(InvalidParametersException.Problem::parameter)
                .containsExactlyInAnyOrder("endpoint", "queue", "apiKeyFile", "caBundle", "jobUrl");
        assertThat(e.getMessage()).contains("must be an https URL").contains("chmod 600");
    }
}
