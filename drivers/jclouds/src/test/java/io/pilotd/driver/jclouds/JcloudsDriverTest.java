package io.pilotd.driver.jclouds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverContractTest;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.InvalidParametersException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jclouds.ContextBuilder;
import org.jclouds.compute.ComputeServiceContext;
import org.jclouds.compute.domain.NodeMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The jclouds driver on jclouds' own in-memory stub provider. */
class JcloudsDriverTest extends DriverContractTest {
    private final List<PilotDriver> drivers = new ArrayList<>();

    @AfterEach
    void closeDrivers() {
        drivers.forEach(PilotDriver::close);
    }

    /** The stub keeps its nodes per identity for the whole JVM: each test has an account of its own. */
    private final String account = "pilotd-" + UUID.randomUUID();

    private Map<String, Object> stub() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("provider", "stub");
        p.put("identity", account);
        p.put("image", StubIds.IMAGE);
        p.put("hardware", StubIds.HARDWARE);
        // jclouds' in-memory cloud meters nothing
        p.put("callsPerSecond", 100_000);
        return p;
    }

    private PilotDriver driver(Map<String, Object> parameters) throws InvalidParametersException {
        PilotDriver driver = new JcloudsDriverFactory().create(new DriverParameters(parameters),
                new DriverContext(DIRECTOR, "contract-q", Path.of("unused")));
        drivers.add(driver);
        return driver;
    }

    @Override
    protected PilotDriver driver() throws Exception {
        return driver(stub());
    }

    @Override
    protected String unknownJobRef() {
        return "jclouds://stub/999999";
    }

    @Test
    void eachPilotIsANodeOfTheDirectorsGroupThatCarriesItsBatchAndIndex() throws Exception {
        PilotDriver driver = driver();
        PilotRequest request = request(4);
        Map<String, String> jobRefs = driver.submit(request);

        assertThat(jobRefs).containsOnlyKeys(request.stamps());
        BatchLookup found = driver.lookUp(request, DIRECTOR);
        assertThat(found.definite()).isTrue();
        assertThat(found.jobRefs()).isEqualTo(jobRefs);
        List<OwnedPilot> owned = driver.listOwned(DIRECTOR);
        assertThat(owned).extracting(OwnedPilot::stamp).containsExactlyInAnyOrderElementsOf(request.stamps());
        assertThat(owned).allSatisfy(o -> assertThat(driver.nativeId(o.jobRef()))
                .contains(o.jobRef().substring(o.jobRef().indexOf('/', "jclouds://".length()) + 1)));
        assertThat(JcloudsDriver.group(DIRECTOR)).isEqualTo("pilotd-contract-director");
        assertThat(JcloudsDriver.group("Site_A.1")).as("jclouds' group names").isEqualTo("pilotd-site-a-1");
    }

    /** The stub cloud as another client of the same account sees it. */
    private ComputeServiceContext account() {
        return ContextBuilder.newBuilder("stub").credentials(account, "").buildView(ComputeServiceContext.class);
    }

    @Test
    void eachNodeCarriesTheUserDataAndTheIndexItsVmDerivesItsStampFrom() throws Exception {
        PilotDriver driver = driver();
        PilotRequest request = request(3);
        Map<String, String> jobRefs = driver.submit(request);
        try (ComputeServiceContext cloud = account()) {
            for (int i = 0; i < 3; i++) {
                String id = jobRefs.get(request.stamps().get(i)).substring("jclouds://stub/".length());
                NodeMetadata node = cloud.getComputeService().getNodeMetadata(id);
                assertThat(node.getGroup()).isEqualTo("pilotd-contract-director");
                assertThat(node.getUserMetadata()).containsEntry("pilotd-index", Integer.toString(i))
                        .containsEntry("pilotd-batch", request.batchId()).containsEntry("pilotd-queue", "contract-q")
                        .containsEntry("user-data", "#cloud-config\n");
            }
        }
    }

    @Test
    void aVmThatPoweredOffHasEndedAndIsDestroyed() throws Exception {
        PilotDriver driver = driver();
        String jobRef = driver.submit(request(1)).values().iterator().next();
        String id = jobRef.substring("jclouds://stub/".length());
        try (ComputeServiceContext cloud = account()) {
            cloud.getComputeService().suspendNode(id);
            PilotState state = driver.status(List.of(jobRef)).get(jobRef);
            assertThat(state.status()).isEqualTo(PilotStatus.Done);
            assertThat(state.reason()).contains("powered off");
            NodeMetadata after = cloud.getComputeService().getNodeMetadata(id);
            assertThat(after == null || after.getStatus() == NodeMetadata.Status.TERMINATED).as("destroyed: %s", after).isTrue();
        }
    }

    @Test
    void aKilledNodeIsGoneAndItsPilotEnded() throws Exception {
        PilotDriver driver = driver();
        Map<String, String> jobRefs = driver.submit(request(2));
        List<String> refs = List.copyOf(jobRefs.values());
        driver.kill(refs.subList(0, 1));
        Map<String, PilotState> states = driver.status(refs);
        PilotState killed = states.get(refs.get(0));
        assertThat(killed == null || killed.status().isFinal()).as("killed: %s", killed).isTrue();
        assertThat(states.get(refs.get(1)).status()).isIn(PilotStatus.Scheduled, PilotStatus.Running);
    }

    @Test
    void anImageThatDoesNotExistIsARefusal() throws Exception {
        Map<String, Object> p = stub();
        p.put("image", "no-such-image");
        assertThatThrownBy(() -> driver(p).submit(request(1))).isExactlyInstanceOf(DriverException.class)
                .hasMessageContaining("does not exist");
    }

    @Test
    void providersWhoseVmsCannotLearnTheirIndexAndMissingCredentialsAreRefusedAtConfig() {
        Map<String, Object> p = stub();
        p.put("provider", "aws-ec2");
        assertThatThrownBy(() -> driver(p)).isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("provider: 'aws-ec2' is not one whose VMs can learn their pilot's index")
                .hasMessageContaining("credentialFile: is required");
        Map<String, Object> nova = stub();
        nova.put("provider", "openstack-nova");
        nova.put("credentialFile", "/nonexistent/credential");
        assertThatThrownBy(() -> driver(nova)).isInstanceOf(InvalidParametersException.class)
                .hasMessageContaining("endpoint: is required by openstack-nova")
                .hasMessageContaining("credentialFile: cannot read /nonexistent/credential");
    }
}
