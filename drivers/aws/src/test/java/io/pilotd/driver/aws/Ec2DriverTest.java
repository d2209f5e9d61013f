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
import io.pilotd.driver.api.RetryableDriverException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
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
            for (FakeEc2.Instance instance : fake.ec2.instances.values()) {
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
        assertThat(fake.ec2.instances).hasSize(4);

        driver(Map.of("allOrNothing", true)).submit(request(6));
        assertThat(lastRun()).containsEntry("MinCount", "6").containsEntry("MaxCount", "6");
    }

    @Test
    void whenTheRegionHasRoomForFewerOnlyThoseGetJobRefs() throws Exception {
        fake.ec2.capacity = 5;
        PilotRequest request = request(7);
        Map<String, String> jobRefs = driver().submit(request);
        assertThat(jobRefs).containsOnlyKeys(request.stamps().subList(0, 5));
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
        List<String> refs = new ArrayList<>(driver.submit(request(5)).values());
        String[] ids = refs.stream().map(r -> r.substring(r.lastIndexOf('/') + 1)).toArray(String[]::new);
        fake.ec2.set(ids[1], "running", null, null);
        fake.ec2.set(ids[2], "terminated", "Client.InstanceInitiatedShutdown", "Client.InstanceInitiatedShutdown: Instance initiated shutdown");
        fake.ec2.set(ids[3], "terminated", "Server.SpotInstanceTermination", "Server.SpotInstanceTermination: Spot instance termination");
        fake.ec2.set(ids[4], "terminated", "Client.UserInitiatedShutdown", "Client.UserInitiatedShutdown: User initiated shutdown");

        Map<String, PilotState> states = driver.status(refs);

        assertThat(refs.stream().map(r -> states.get(r).status()).toList()).containsExactly(PilotStatus.Scheduled,
                PilotStatus.Running, PilotStatus.Done, PilotStatus.Failed, PilotStatus.Deleted);
        assertThat(states.get(refs.get(3)).reason()).isEqualTo("terminated: Server.SpotInstanceTermination: Spot instance termination");
    }

    @Test
    void statusIsOneDescribeInstancesPerPageNeverOnePerPilot() throws Exception {
        PilotDriver driver = driver();
        List<String> refs = new ArrayList<>(driver.submit(request(500)).values());
        int before = fake.count("EC2.DescribeInstances");
        assertThat(driver.status(refs)).hasSize(500);
        assertThat(fake.count("EC2.DescribeInstances") - before).isEqualTo(1);

        fake.ec2.pageSize = 200;
        before = fake.count("EC2.DescribeInstances");
        assertThat(driver.status(refs)).hasSize(500);
        assertThat(fake.count("EC2.DescribeInstances") - before).as("pages of 200 for 500 instances").isEqualTo(3);
        assertThat(FakeAws.form(fake.calls("EC2.DescribeInstances").get(before).body()))
                .containsEntry("Filter.1.Name", "tag:pilotd:queue").containsEntry("Filter.1.Value.1", "contract-q");
    }

    @Test
    void anInstancePastItsMaxLifetimeIsTerminated() throws Exception {
        PilotDriver driver = driver(Map.of("maxLifetime", "2h"));
        String jobRef = driver.submit(request(1)).values().iterator().next();
        FakeEc2.Instance instance = fake.ec2.instances.values().iterator().next();
        fake.ec2.set(instance.id, "running", null, null);
        instance.launchTime = Instant.now().minus(Duration.ofHours(3));

        PilotState state = driver.status(List.of(jobRef)).get(jobRef);

        assertThat(state.status()).isEqualTo(PilotStatus.Deleted);
        assertThat(state.reason()).contains("maxLifetime 2h");
        assertThat(fake.count("EC2.TerminateInstances")).isEqualTo(1);
        assertThat(instance.state).isEqualTo("shutting-down");
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
                .hasMessageContaining("maxLifetime: must be at least 10m");
    }
}
