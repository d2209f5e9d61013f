package io.pilotd.driver.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.pilotd.fakes.FakeClock;
import io.pilotd.fakes.FakeEc2;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** The ec2 driver: the real SDK client against a fake EC2 speaking Query/XML on 127.0.0.1. */
class Ec2DriverTest extends AwsDriverTest {
    private PilotDriver driver(Map<String, Object> extra) throws InvalidParametersException {
        Map<String, Object> p = aws(fake);
        p.put("image", "ami-0123456789abcdef0");
        p.put("instanceType", "c6i.xlarge");
        p.put("subnet", "subnet-0abc1234");
        p.put("securityGroups", List.of("sg-0abc1234"));
        p.put("tags", Map.of("project", "lhcb"));
        p.putAll(extra);
        return new Ec2DriverFactory().create(new DriverParameters(p), context(DIRECTOR));
    }

    @Override
    protected PilotDriver driver() throws Exception {
        return driver(Map.of());
    }

    @Override
    protected String unknownJobRef() {
        return "ec2://eu-central-1/i-0000000000000ffff";
    }

    private Map<String, String> lastRun() {
        List<FakeAws.Call> calls = fake.calls("EC2.RunInstances");
        return FakeAws.form(calls.get(calls.size() - 1).body());
    }

    @Test
    void oneSevenAndFiveHundredPilotsAreOneRunInstancesEach() throws Exception {
        PilotDriver driver = driver();
        for (int n : new int[] {1, 7, 500}) {
            int before = fake.count("EC2.RunInstances");
            PilotRequest request = request(n);
            Map<String, String> jobRefs = driver.submit(request);

            assertThat(fake.count("EC2.RunInstances") - before).as("RunInstances calls for %d pilots", n).isEqualTo(1);
            Map<String, String> run = lastRun();
            assertThat(run).containsEntry("MinCount", "1").containsEntry("MaxCount", Integer.toString(n))
                    .containsEntry("ClientToken", request.batchId())
                    .containsEntry("InstanceInitiatedShutdownBehavior", "terminate")
                    .containsEntry("ImageId", "ami-0123456789abcdef0")
                    .containsEntry("InstanceType", "c6i.xlarge")
                    .containsEntry("SubnetId", "subnet-0abc1234")
                    .containsEntry("SecurityGroupId.1", "sg-0abc1234")
                    .containsEntry("MetadataOptions.HttpTokens", "required")
                    .containsEntry("TagSpecification.1.ResourceType", "instance")
                    .containsEntry("TagSpecification.2.ResourceType", "volume")
                    .containsEntry("UserData", Base64.getEncoder().encodeToString("#cloud-config\n".getBytes(StandardCharsets.UTF_8)));
            assertThat(jobRefs).hasSize(n);
            for (FakeEc2.Instance instance : fake.ec2.instances()) {
                String jobRef = "ec2://eu-central-1/" + instance.id;
                if (jobRefs.containsValue(jobRef)) {
                    assertThat(jobRefs.get(request.stamps().get(instance.launchIndex))).as("the stamp at its launch index")
                            .isEqualTo(jobRef);
                    assertThat(instance.tags).containsEntry("pilotd:director", DIRECTOR)
                            .containsEntry("pilotd:queue", "contract-q").containsEntry("pilotd:batch", request.batchId())
                            .containsEntry("project", "lhcb");
                }
            }
        }
    }

    @Test
    void aRetriedSubmissionStartsNoSecondSetAndAllOrNothingAsksForAll() throws Exception {
        PilotDriver driver = driver();
        PilotRequest request = request(4);
        Map<String, String> first = driver.submit(request);
        Map<String, String> again = driver.submit(request);
        assertThat(again).isEqualTo(first);
        assertThat(fake.ec2.instances()).hasSize(4);

        driver(Map.of("allOrNothing", true)).submit(request(6));
        assertThat(lastRun()).containsEntry("MinCount", "6").containsEntry("MaxCount", "6");
    }

    @Test
    void whenTheRegionHasRoomForFewerOnlyThoseGetJobRefs() throws Exception {
        fake.ec2.capacity = 5;
        PilotRequest request = request(7);
        PilotDriver driver = driver();
        Map<String, String> jobRefs = driver.submit(request);
        assertThat(jobRefs).containsOnlyKeys(request.stamps().subList(0, 5));
        assertThat(jobRefs.values()).allSatisfy(jobRef -> assertThat(driver.nativeId(jobRef))
                .hasValueSatisfying(id -> assertThat(id).startsWith("i-").isEqualTo(jobRef.substring(jobRef.lastIndexOf('/') + 1))));
    }

    @Test
    void userDataIsGzippedWhenItWouldNotFitAndRefusedWhenEvenThatDoesNot() throws Exception {
        String compressible = "#cloud-config\n" + "# pilot\n".repeat(4000);
        PilotRequest request = new PilotRequest("0123456789abcdef0123456789abcdef", List.of("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
                new PilotPayload(Map.of(), compressible));
        driver().submit(request);
        byte[] sent = Base64.getDecoder().decode(lastRun().get("UserData"));
        assertThat(sent.length).isLessThanOrEqualTo(Ec2Driver.USER_DATA_LIMIT);
        assertThat(new String(new GZIPInputStream(new ByteArrayInputStream(sent)).readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo(compressible);

        byte[] noise = new byte[30_000];
        new Random(1).nextBytes(noise);
        PilotRequest tooBig = new PilotRequest("1123456789abcdef0123456789abcdef", List.of("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
                new PilotPayload(Map.of(), Base64.getEncoder().encodeToString(noise)));
        int before = fake.count("EC2.RunInstances");
        assertThatThrownBy(() -> driver().submit(tooBig)).isInstanceOf(DriverException.class)
                .hasMessageContaining("over EC2's 16384-byte limit");
        assertThat(fake.count("EC2.RunInstances")).isEqualTo(before);
    }

    @Test
    void statusMapsEveryInstanceStateAndReason() throws Exception {
        PilotDriver driver = driver();
        List<String> refs = new ArrayList<>(driver.submit(request(6)).values());
        String[] ids = refs.stream().map(r -> r.substring(r.lastIndexOf('/') + 1)).toArray(String[]::new);
        fake.ec2.set(ids[1], "running", null, null);
        fake.ec2.pilotEnded(ids[2], 0);
        fake.ec2.pilotEnded(ids[5], 2);
        fake.ec2.set(ids[3], "terminated", "Server.SpotInstanceTermination", "Server.SpotInstanceTermination: Spot instance termination");
        fake.ec2.set(ids[4], "terminated", "Client.UserInitiatedShutdown", "Client.UserInitiatedShutdown: User initiated shutdown");

        Map<String, PilotState> states = driver.status(refs);

        assertThat(refs.stream().map(r -> states.get(r).status()).toList()).containsExactly(PilotStatus.Scheduled,
                PilotStatus.Running, PilotStatus.Done, PilotStatus.Failed, PilotStatus.Deleted, PilotStatus.Failed);
        assertThat(states.get(refs.get(5)).reason()).endsWith("; the pilot exited with status 2");
        assertThat(states.get(refs.get(3)).reason()).isEqualTo("terminated: Server.SpotInstanceTermination: Spot instance termination");
    }

    @Test
    void aVmWhoseExitStatusReachesTheConsoleLateStaysRunningUntilItDoes() throws Exception {
        PilotDriver driver = driver();
        String ref = driver.submit(request(1)).values().iterator().next();
        String id = ref.substring(ref.lastIndexOf('/') + 1);
        fake.ec2.set(id, "terminated", "Client.InstanceInitiatedShutdown", "Client.InstanceInitiatedShutdown: Instance initiated shutdown");

        PilotState before = driver.status(List.of(ref)).get(ref);
        fake.ec2.postConsole(id, "[  OK  ] Reached target Power-Off.\npilotd-pilot-exit-status: 0\n");
        PilotState after = driver.status(List.of(ref)).get(ref);

        assertThat(before.status()).isEqualTo(PilotStatus.Running);
        assertThat(before.reason()).endsWith("its pilot's exit status is not on the console yet");
        assertThat(after.status()).isEqualTo(PilotStatus.Done);
    }

    @Test
    void aVmThatNeverShowsItsExitStatusEndsFailedAfterTheConsoleWait() throws Exception {
        PilotDriver driver = driver(Map.of("consoleWait", "0s"));
        String ref = driver.submit(request(1)).values().iterator().next();
        fake.ec2.set(ref.substring(ref.lastIndexOf('/') + 1), "terminated", "Client.InstanceInitiatedShutdown",
                "Client.InstanceInitiatedShutdown: Instance initiated shutdown");

        PilotState state = driver.status(List.of(ref)).get(ref);

        assertThat(state.status()).isEqualTo(PilotStatus.Failed);
        assertThat(state.reason()).endsWith("no exit status of its pilot on the console after 0s");
    }

    @Test
    void statusIsOneDescribeInstancesPer200PilotsByIdDirectorAndQueue() throws Exception {
        PilotDriver driver = driver();
        List<String> refs = new ArrayList<>(driver.submit(request(500)).values());
        driver.submit(request(300));
        int before = fake.count("EC2.DescribeInstances");

        assertThat(driver.status(refs)).hasSize(500);

        List<FakeAws.Call> calls = fake.calls("EC2.DescribeInstances");
        assertThat(calls.size() - before).as("500 pilots, 200 ids a call").isEqualTo(3);
        assertThat(FakeAws.form(calls.get(before).body()))
                .containsEntry("Filter.1.Name", "instance-id").containsKey("Filter.1.Value.200")
                .doesNotContainKey("Filter.1.Value.201")
                .containsEntry("Filter.2.Name", "tag:pilotd:director").containsEntry("Filter.2.Value.1", DIRECTOR)
                .containsEntry("Filter.3.Name", "tag:pilotd:queue").containsEntry("Filter.3.Value.1", "contract-q");
    }

    @Test
    void aStoppedInstanceIsTerminatedAndItsPilotFailed() throws Exception {
        PilotDriver driver = driver();
        String jobRef = driver.submit(request(1)).values().iterator().next();
        FakeEc2.Instance instance = fake.ec2.instances().get(0);
        fake.ec2.set(instance.id, "stopped", "Client.UserInitiatedShutdown", "Client.UserInitiatedShutdown: stopped");

        PilotState state = driver.status(List.of(jobRef)).get(jobRef);

        assertThat(state.status()).isEqualTo(PilotStatus.Failed);
        assertThat(state.reason()).contains("terminated by pilotd");
        assertThat(fake.count("EC2.TerminateInstances")).isEqualTo(1);
        assertThat(instance.state()).isEqualTo("shutting-down");
    }

    @Test
    void aLostRunInstancesAnswerIsResolvedByResendingItsClientTokenStartingNothingNew() throws Exception {
        FakeClock clock = new FakeClock();
        fake.close();
        fake = new FakeAws(new CloudBehaviour(clock, 3).lostAnswers(1.0).listingLag(Duration.ofMinutes(5)));
        PilotDriver driver = driver();
        PilotRequest request = request(6);

        assertThatThrownBy(() -> driver.submit(request)).isInstanceOf(OutcomeUnknownException.class)
                .hasMessageContaining("RunInstances");
        assertThat(fake.ec2.instances()).as("the SDK's retries carried the same token").hasSize(6);

        fake.behaviour.lostAnswers(0);
        var found = driver.lookUp(request, DIRECTOR);

        assertThat(found.definite()).as("EC2 answers a token it knows at once, listed or not").isTrue();
        assertThat(found.jobRefs()).containsOnlyKeys(request.stamps());
        assertThat(fake.ec2.instances()).as("nothing new started").hasSize(6);
        assertThat(fake.calls("EC2.RunInstances").stream().map(c -> FakeAws.form(c.body()).get("ClientToken")).distinct())
                .containsExactly(request.batchId());
    }

    @Test
    void onACloudThatIgnoresClientTokensALostAnswerIsLookedUpByTagAndNothingIsSentAgain() throws Exception {
        FakeClock clock = new FakeClock();
        fake.close();
        fake = new FakeAws(new CloudBehaviour(clock, 3).lostAnswers(1.0));
        fake.ec2.ignoresClientToken = true;
        PilotDriver driver = driver();
        PilotRequest request = request(4);

        assertThatThrownBy(() -> driver.submit(request)).isInstanceOf(OutcomeUnknownException.class);
        assertThat(fake.ec2.instances()).as("the SDK does not re-send a RunInstances").hasSize(4);

        fake.behaviour.lostAnswers(0);
        var found = driver.lookUp(request, DIRECTOR);

        assertThat(found.definite()).isTrue();
        assertThat(found.jobRefs()).containsOnlyKeys(request.stamps());
        assertThat(fake.count("EC2.RunInstances")).as("asked by tag, not re-sent").isEqualTo(1);
        assertThat(fake.ec2.instances()).hasSize(4);
    }

    @Test
    void everyShapeOfA5xxIsClassifiedNeverThrownRaw() throws Exception {
        PilotDriver driver = driver();
        for (FakeAws.Reply reply : List.of(FakeAws.Reply.html503(), new FakeAws.Reply(502, Map.of(), ""),
                new FakeAws.Reply(500, Map.of("Content-Type", "text/xml"), "<Response><Errors><Err"))) {
            fake.fail("EC2.RunInstances", 4, reply);
            assertThatThrownBy(() -> driver.submit(request(1))).as("HTTP %d", reply.status())
                    .isInstanceOf(OutcomeUnknownException.class);
            fake.fail("EC2.DescribeInstances", 4, reply);
            assertThatThrownBy(() -> driver.status(List.of(unknownJobRef()))).isInstanceOf(RetryableDriverException.class);
        }
    }

    @Test
    void listOwnedSkipsEndedInstances() throws Exception {
        PilotDriver driver = driver();
        PilotRequest request = request(3);
        List<String> refs = new ArrayList<>(driver.submit(request).values());
        fake.ec2.set(refs.get(0).substring(refs.get(0).lastIndexOf('/') + 1), "terminated",
                "Client.InstanceInitiatedShutdown", "done");

        List<OwnedPilot> owned = driver.listOwned(DIRECTOR);

        assertThat(owned).extracting(OwnedPilot::jobRef).containsExactlyInAnyOrderElementsOf(refs.subList(1, 3));
        assertThat(owned).allSatisfy(o -> assertThat(o.createdAt()).isNotNull());
    }

    @Test
    void killIsOneTerminateInstancesAndOutputIsTheConsole() throws Exception {
        PilotDriver driver = driver();
        List<String> refs = new ArrayList<>(driver.submit(request(3)).values());
        driver.kill(refs);
        assertThat(fake.count("EC2.TerminateInstances")).isEqualTo(1);
        assertThat(driver.status(refs).values()).allSatisfy(s -> assertThat(s.status()).isEqualTo(PilotStatus.Deleted));
        String id = refs.get(0).substring(refs.get(0).lastIndexOf('/') + 1);
        assertThat(driver.output(refs.get(0))).hasValue("cloud-init: booted " + id + "\n");
    }

    @Test
    void throttlingIsRetriedThenSucceeds() throws Exception {
        fake.fail("EC2.RunInstances", 2, FakeAws.ec2Error(503, "RequestLimitExceeded", "Request limit exceeded."));
        assertThat(driver().submit(request(2))).hasSize(2);
        assertThat(fake.count("EC2.RunInstances")).isEqualTo(3);
        assertThat(fake.calls("EC2.RunInstances").stream().map(c -> FakeAws.form(c.body()).get("ClientToken")).distinct())
                .as("every retry carries the same ClientToken").hasSize(1);
    }

    @Test
    void aLostRunInstancesAnswerIsNeverReSentByTheSdkAndIsAnUnknownOutcome() throws Exception {
        fake.loseAnswersAfterActing("EC2.RunInstances", 1);
        PilotRequest request = request(2);

        assertThatThrownBy(() -> driver().submit(request)).isInstanceOf(OutcomeUnknownException.class)
                .hasMessageContaining("AWS may have acted");
        assertThat(fake.ec2.instances()).as("the first attempt started them").hasSize(2);
        assertThat(fake.count("EC2.RunInstances")).as("a cloud that ignores the ClientToken would start a second set")
                .isEqualTo(1);
    }

    @Test
    void anInvalidImageIsARefusalInTheCloudsWords() throws Exception {
        PilotDriver driver = driver(Map.of("image", "ami-00000000000dead"));
        assertThatThrownBy(() -> driver.submit(request(2)))
                .isInstanceOf(DriverException.class).isNotInstanceOf(RetryableDriverException.class)
                .hasMessage("RunInstances: InvalidAMIID.NotFound: The image id '[ami-00000000000dead]' does not exist");
    }

    @Test
    void listOwnedFindsStampsFromTheBatchTagAndLaunchIndex() throws Exception {
        PilotDriver driver = driver();
        PilotRequest request = request(4);
        Map<String, String> jobRefs = driver.submit(request);
        List<OwnedPilot> owned = driver.listOwned(DIRECTOR);
        assertThat(owned).extracting(OwnedPilot::stamp).containsExactlyInAnyOrderElementsOf(request.stamps());
        assertThat(owned).allSatisfy(o -> assertThat(jobRefs.get(o.stamp())).isEqualTo(o.jobRef()));
        assertThat(fake.count("EC2.CreateTags")).as("no per-instance tag for derived stamps").isZero();
    }

    @Test
    void badParametersAreAllNamed() {
        Map<String, Object> p = Map.of("region", "eu-central-1", "image", "ubuntu", "securityGroups", List.of("web"),
                "maxLifetime", "5m", "instanceType", "big");
        assertThatThrownBy(() -> new Ec2DriverFactory().create(new DriverParameters(p), context("d")))
                .isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("image: 'ubuntu' is not an AMI id")
                .hasMessageContaining("instanceType: 'big' is not an instance type")
                .hasMessageContaining("securityGroups: 'web' is not a security group id")
                .hasMessageContaining("maxLifetime: is no longer a parameter of this driver: set the queue's limits.maxLifetime");
    }
}
