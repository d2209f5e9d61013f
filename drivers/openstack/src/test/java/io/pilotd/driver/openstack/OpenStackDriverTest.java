package io.pilotd.driver.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pilotd.driver.api.BatchLookup;
import io.pilotd.driver.api.DriverContext;
import io.pilotd.driver.api.DriverContractTest;
import io.pilotd.driver.api.DriverException;
import io.pilotd.driver.api.DriverParameters;
import io.pilotd.driver.api.NotYetListedException;
import io.pilotd.driver.api.OutcomeUnknownException;
import io.pilotd.driver.api.OwnedPilot;
import io.pilotd.driver.api.PartlyRefusedException;
import io.pilotd.driver.api.PilotDriver;
import io.pilotd.driver.api.PilotPayload;
import io.pilotd.driver.api.PilotRequest;
import io.pilotd.driver.api.PilotState;
import io.pilotd.driver.api.PilotStatus;
import io.pilotd.driver.api.RetryableDriverException;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeAws;
import io.pilotd.fakes.FakeClock;
import io.pilotd.fakes.FakeOpenStack;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The openstack driver: openstack4j and pilotd's own Nova calls against a fake Keystone v3 and Nova on 127.0.0.1. */
class OpenStackDriverTest extends DriverContractTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private FakeOpenStack fake;

    @TempDir
    Path home;

    @BeforeEach
    void startFake() throws Exception {
        fake = new FakeOpenStack();
    }

    @AfterEach
    void stopFake() {
        fake.close();
    }

    private Map<String, Object> parameters(FakeOpenStack cloud) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("authUrl", cloud.authUrl());
        p.put("region", FakeOpenStack.REGION);
        p.put("username", FakeOpenStack.USER);
        p.put("project", FakeOpenStack.PROJECT);
        p.put("image", "alma9-pilot");
        p.put("flavor", "m1.large");
        p.put("networks", List.of("pilots-net"));
        p.put("securityGroups", List.of("pilots"));
        p.put("metadata", Map.of("experiment", "lhcb"));
        p.put("apiTimeout", "10s");
        p.put("listWait", "2s");
        // the fake cloud meters nothing
        p.put("callsPerSecond", 100_000);
        return p;
    }

    private PilotDriver driver(FakeOpenStack cloud, Map<String, Object> extra) throws Exception {
        Map<String, Object> p = parameters(cloud);
        p.putAll(extra);
        return new OpenStackDriverFactory(Map.of("OS_PASSWORD", FakeOpenStack.PASSWORD), home, home)
                .create(new DriverParameters(p), new DriverContext(DIRECTOR, "contract-q", home));
    }

    @Override
    protected PilotDriver driver() throws Exception {
        return driver(fake, Map.of());
    }

    @Override
    protected String unknownJobRef() {
        return "openstack://127.0.0.1/RegionOne/" + UUID.randomUUID();
    }

    private JsonNode lastCreate() throws Exception {
        List<FakeOpenStack.Call> calls = fake.calls("Nova.createServer");
        return JSON.readTree(calls.get(calls.size() - 1).body()).path("server");
    }

    private FakeOpenStack.Server serverOf(String jobRef) {
        return fake.server(jobRef.substring(jobRef.lastIndexOf('/') + 1));
    }

    @Test
    void oneAndTwentyPilotsAreOneCreateEachAndEachServerCarriesItsStamp() throws Exception {
        PilotDriver driver = driver();
        for (int n : new int[] {1, 20}) {
            int before = fake.count("Nova.createServer");
            PilotRequest request = request(n);
            Map<String, String> jobRefs = driver.submit(request);

            assertThat(fake.count("Nova.createServer") - before).as("creates for %d pilots", n).isEqualTo(1);
            JsonNode create = lastCreate();
            assertThat(create.path("min_count").asInt()).as("all or none: Nova's answer is definite").isEqualTo(n);
            assertThat(create.path("max_count").asInt()).isEqualTo(n);
            assertThat(create.path("return_reservation_id").asBoolean()).isTrue();
            assertThat(create.path("imageRef").asText()).isEqualTo(fake.images.get("alma9-pilot"));
            assertThat(create.path("flavorRef").asText()).isEqualTo("4");
            assertThat(create.path("networks").get(0).path("uuid").asText()).isEqualTo(fake.networks.get("pilots-net"));
            assertThat(create.path("security_groups").get(0).path("name").asText()).isEqualTo("pilots");
            assertThat(new String(Base64.getDecoder().decode(create.path("user_data").asText()), StandardCharsets.UTF_8))
                    .isEqualTo("#cloud-config\n");
            assertThat(jobRefs).hasSize(n).containsOnlyKeys(request.stamps());
            String batchName = "pilotd-" + DIRECTOR + "-contract-q-" + request.batchId();
            for (int i = 0; i < n; i++) {
                FakeOpenStack.Server server = serverOf(jobRefs.get(request.stamps().get(i)));
                assertThat(server.name).isEqualTo(n == 1 ? batchName : batchName + "-" + (i + 1));
                assertThat(server.launchIndex).as("the VM derives stamp %d from its launch index", i).isEqualTo(i);
                assertThat(server.metadata).containsEntry("pilotd-director", DIRECTOR).containsEntry("pilotd-queue", "contract-q")
                        .containsEntry("pilotd-batch", request.batchId()).containsEntry("experiment", "lhcb");
            }
        }
        assertThat(fake.count("Glance.listImages")).as("the image is looked up once").isEqualTo(1);
        assertThat(fake.count("Keystone.auth")).isEqualTo(1);
    }

    @Test
    void statusFollowsEveryStateAndDeletesWhatHasEnded() throws Exception {
        PilotDriver driver = driver();
        PilotRequest request = request(6);
        Map<String, String> jobRefs = driver.submit(request);
        List<String> refs = request.stamps().stream().map(jobRefs::get).toList();
        assertThat(driver.nativeId(refs.get(0))).contains(serverOf(refs.get(0)).id);
        fake.set(serverOf(refs.get(1)).id, "ACTIVE", null);
        fake.set(serverOf(refs.get(2)).id, "ERROR", "No valid host was found. There are not enough hosts available.");
        fake.pilotEnded(serverOf(refs.get(3)).id, 0);
        fake.pilotEnded(serverOf(refs.get(4)).id, 3);
        fake.set(serverOf(refs.get(5)).id, "SHUTOFF", null);
        String ended = serverOf(refs.get(3)).id;

        Map<String, PilotState> states = driver.status(refs);

        assertThat(states.get(refs.get(0)).status()).isEqualTo(PilotStatus.Scheduled);
        assertThat(states.get(refs.get(1)).status()).isEqualTo(PilotStatus.Running);
        assertThat(states.get(refs.get(2))).isEqualTo(PilotState.of(PilotStatus.Failed,
                "ERROR: No valid host was found. There are not enough hosts available."));
        assertThat(states.get(refs.get(3)).status()).isEqualTo(PilotStatus.Done);
        assertThat(states.get(refs.get(4))).isEqualTo(PilotState.of(PilotStatus.Failed, "SHUTOFF; the pilot exited with status 3"));
        assertThat(states.get(refs.get(5)).status()).isEqualTo(PilotStatus.Failed);
        assertThat(states.get(refs.get(5)).reason()).contains("without its pilot's exit status");
        assertThat(fake.server(ended).deleted()).as("a VM whose pilot ended is deleted").isTrue();
        assertThat(fake.live()).hasSize(2);
        assertThat(driver.status(refs)).as("deleted servers are no longer listed").hasSize(2);
    }

    @Test
    void withoutNetworksNovaChoosesOneAndNoneMeansNoNetwork() throws Exception {
        driver(fake, Map.of("networks", List.of())).submit(request(1));
        assertThat(lastCreate().path("networks").asText()).isEqualTo("auto");
        driver(fake, Map.of("networks", List.of("none"))).submit(request(1));
        assertThat(lastCreate().path("networks").asText()).isEqualTo("none");
        assertThat(fake.servers()).as("Nova takes auto and none from microversion 2.37 only, which the creates ask for")
                .hasSize(2);
    }

    @Test
    void theListFollowsEveryPageInOneCallPerPage() throws Exception {
        fake.pageSize = 7;
        PilotDriver driver = driver();
        Map<String, String> jobRefs = driver.submit(request(20));
        int before = fake.count("Nova.listServers");
        assertThat(driver.status(List.copyOf(jobRefs.values()))).hasSize(20);
        assertThat(fake.count("Nova.listServers") - before).isEqualTo(3);
    }

    @Test
    void aQuotaRefusalIsARefusalWithNovasMessage() throws Exception {
        fake.quota = 0;
        assertThatThrownBy(() -> driver().submit(request(5)))
                .isExactlyInstanceOf(DriverException.class)
                .hasMessageContaining("Nova refused")
                .hasMessageContaining("Quota exceeded for instances: Requested 5, but already used 0 of 0 instances");
        assertThat(fake.servers()).isEmpty();
    }

    @Test
    void aQuotaThatAdmitsSomeStartsThemAndRefusesTheRestWithNovasWordsAtOnce() throws Exception {
        fake.quota = 3;
        PilotDriver driver = driver();
        PilotRequest request = request(5);
        assertThatThrownBy(() -> driver.submit(request)).isInstanceOfSatisfying(PartlyRefusedException.class, e -> {
            assertThat(e.started()).containsOnlyKeys(request.stamps().subList(0, 3));
            assertThat(e.refused()).containsExactlyElementsOf(request.stamps().subList(3, 5));
        }).hasMessageContaining("Nova refused 2 of the 5 servers of batch " + request.batchId() + " (403)")
                .hasMessageContaining("Quota exceeded for instances: Requested 5, but already used 0 of 3 instances");
        assertThat(fake.servers()).hasSize(3);
        assertThat(fake.calls("Nova.createServer")).extracting(c -> JSON.readTree(c.body()).path("server").path("max_count")
                .asInt()).containsExactly(5, 3);
    }

    @Test
    void aQuotaOfCoresAdmitsAsManyServersAsItsCoresLeft() {
        assertThat(NovaQuota.fits(403, "Quota exceeded for cores: Requested 80, but already used 56 of 64 cores", 10))
                .hasValue(1);
        assertThat(NovaQuota.fits(403, "Quota exceeded for ram: Requested 163840, but already used 0 of 65536 ram", 10))
                .hasValue(4);
        assertThat(NovaQuota.fits(403, "Policy doesn't allow os_compute_api:servers:create to be performed.", 10)).isEmpty();
        assertThat(NovaQuota.fits(400, "Quota exceeded for instances: Requested 10, but already used 7 of 10 instances", 10))
                .isEmpty();
    }

    @Test
    void allOrNothingRefusesTheWholeBatchWhenTheQuotaAdmitsFewer() throws Exception {
        fake.quota = 3;
        PilotDriver driver = driver(fake, Map.of("allOrNothing", true));
        assertThatThrownBy(() -> driver.submit(request(5))).isExactlyInstanceOf(DriverException.class)
                .hasMessageContaining("Requested 5, but already used 0 of 3 instances");
        assertThat(fake.servers()).isEmpty();
    }

    @Test
    void aCreateWhoseConnectionNeverOpenedSentNothingAndIsRetryableNotAnUnknownOutcome() throws Exception {
        PilotDriver driver = driver();
        driver.submit(request(1));
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            fake.computeUrl = "http://127.0.0.1:" + closed.getLocalPort() + "/compute/v2.1";
        }
        fake.expireTokens();
        int servers = fake.servers().size();

        assertThatThrownBy(() -> driver.submit(request(2))).isExactlyInstanceOf(RetryableDriverException.class)
                .hasMessageContaining("nothing was sent").hasMessageContaining("ConnectException");
        assertThat(fake.servers()).hasSize(servers);
    }

    @Test
    void conflictsThrottlingAndServerErrorsAreNotRefusals() throws Exception {
        PilotDriver driver = driver();
        fake.fail("Nova.createServer", 1, FakeOpenStack.novaError(409, "conflictingRequest", "try again"));
        assertThatThrownBy(() -> driver.submit(request(2))).isInstanceOf(RetryableDriverException.class);
        fake.fail("Nova.createServer", 1, FakeOpenStack.novaError(500, "computeFault", "boom"));
        assertThatThrownBy(() -> driver.submit(request(2))).isInstanceOf(OutcomeUnknownException.class);
        fake.fail("Nova.createServer", 4, new FakeAws.Reply(429, Map.of("Retry-After", "0"), "{\"overLimit\": {\"message\": \"slow\"}}"));
        assertThatThrownBy(() -> driver.submit(request(2))).isInstanceOf(RetryableDriverException.class)
                .hasMessageContaining("429");
        fake.fail("Nova.listServers", 2, new FakeAws.Reply(429, Map.of("Retry-After", "0"), "{\"overLimit\": {\"message\": \"slow\"}}"));
        assertThat(driver.submit(request(2))).as("a throttled list is tried again").hasSize(2);
        assertThat(fake.servers()).as("only the last create acted").hasSize(2);
    }

    @Test
    void aListThatFailsAfterTheCreateLeavesTheBatchToTheLookUpAndIsNoRefusal() throws Exception {
        PilotDriver driver = driver();
        PilotRequest request = request(2);
        fake.fail("Nova.listServers", 1, FakeOpenStack.novaError(500, "computeFault", "boom"));
        assertThatThrownBy(() -> driver.submit(request)).isInstanceOfSatisfying(NotYetListedException.class,
                e -> assertThat(e.listed()).isEmpty()).hasMessageContaining("could not list it");
        assertThat(driver.lookUp(request, DIRECTOR).jobRefs()).containsOnlyKeys(request.stamps());
    }

    @Test
    void aLostAnswerIsFoundAgainByNameAndNeverCreatedTwice() throws Exception {
        PilotDriver driver = driver();
        PilotRequest request = request(4);
        fake.loseAnswersAfterActing("Nova.createServer", 1);
        assertThatThrownBy(() -> driver.submit(request)).isInstanceOf(OutcomeUnknownException.class);
        assertThat(fake.servers()).as("Nova acted before the answer was lost").hasSize(4);

        BatchLookup found = driver.lookUp(request, DIRECTOR);
        BatchLookup again = driver.lookUp(request, DIRECTOR);
        assertThat(found.definite()).isTrue();
        assertThat(found.jobRefs()).containsOnlyKeys(request.stamps());
        assertThat(again).isEqualTo(found);
        assertThat(fake.count("Nova.createServer")).isEqualTo(1);
    }

    @Test
    void aListingThatLagsLeavesTheBatchToTheLookUpUntilItShows() throws Exception {
        FakeClock clock = new FakeClock();
        try (FakeOpenStack lagging = new FakeOpenStack(new CloudBehaviour(clock, 7).listingLag(Duration.ofMinutes(2)))) {
            PilotDriver driver = driver(lagging, Map.of("listWait", "1s"));
            PilotRequest request = request(3);
            assertThatThrownBy(() -> driver.submit(request)).isInstanceOf(NotYetListedException.class)
                    .hasMessageContaining("lists 0 of its 3 servers");
            BatchLookup early = driver.lookUp(request, DIRECTOR);
            assertThat(early.jobRefs()).isEmpty();
            assertThat(early.definite()).as("absence in a lagging listing is no answer").isFalse();
            clock.advance(Duration.ofMinutes(3));
            assertThat(driver.lookUp(request, DIRECTOR).definite()).isTrue();
            assertThat(lagging.count("Nova.createServer")).isEqualTo(1);
        }
    }

    @Test
    void anExpiredTokenIsRenewedForPasswordsAndApplicationCredentials() throws Exception {
        PilotDriver byPassword = driver();
        String jobRef = byPassword.submit(request(1)).values().iterator().next();
        fake.expireTokens();
        assertThat(byPassword.status(List.of(jobRef))).containsOnlyKeys(jobRef);
        fake.expireTokens();
        byPassword.kill(List.of(jobRef));
        assertThat(fake.count("Keystone.auth")).isEqualTo(3);

        Map<String, Object> appCredential = new LinkedHashMap<>();
        appCredential.put("applicationCredentialId", FakeOpenStack.APPLICATION_CREDENTIAL_ID);
        Map<String, Object> p = parameters(fake);
        p.remove("username");
        p.remove("project");
        p.putAll(appCredential);
        PilotDriver byApplicationCredential = new OpenStackDriverFactory(
                Map.of("OS_APPLICATION_CREDENTIAL_SECRET", FakeOpenStack.APPLICATION_CREDENTIAL_SECRET), home, home)
                .create(new DriverParameters(p), new DriverContext(DIRECTOR, "contract-q", home));
        String second = byApplicationCredential.submit(request(1)).values().iterator().next();
        fake.expireTokens();
        assertThat(byApplicationCredential.status(List.of(second))).containsOnlyKeys(second);
        fake.expireTokens();
        assertThat(byApplicationCredential.output(second)).get().asString().contains("cloud-init: booted");
        assertThat(fake.calls("Keystone.auth")).last().extracting(FakeOpenStack.Call::body).asString()
                .contains("application_credential");
    }

    @Test
    void wrongCredentialsAreARefusalThatNamesWhoWasRefusedButNotThePassword() throws Exception {
        PilotDriver driver = new OpenStackDriverFactory(Map.of("OS_PASSWORD", "not-the-password"), home, home)
                .create(new DriverParameters(parameters(fake)), new DriverContext(DIRECTOR, "contract-q", home));
        assertThatThrownBy(() -> driver.submit(request(1))).isExactlyInstanceOf(DriverException.class)
                .hasMessageContaining("Keystone refused user pilots (domain Default) of project dirac")
                .hasMessageNotContaining("not-the-password");
    }

    @Test
    void anImageOrFlavorThatDoesNotExistIsRefusedByName() throws Exception {
        assertThatThrownBy(() -> driver(fake, Map.of("image", "centos7")).submit(request(1)))
                .isExactlyInstanceOf(DriverException.class)
                .hasMessageContaining("image: 'centos7' does not exist at 127.0.0.1");
        assertThatThrownBy(() -> driver(fake, Map.of("flavor", "m9.huge")).submit(request(1)))
                .hasMessageContaining("flavor: 'm9.huge' does not exist");
        assertThatThrownBy(() -> driver(fake, Map.of("keyName", "nobody")).submit(request(1)))
                .hasMessageContaining("keyName: the key pair 'nobody' does not exist");
        fake.images.put("alma9-pilot-2", "a1b2c3d4-0000-4000-8000-0000000000b2");
        assertThat(driver(fake, Map.of("image", "a1b2c3d4-0000-4000-8000-0000000000b2")).submit(request(1)))
                .as("an image by its id").hasSize(1);
        assertThat(fake.servers()).hasSize(1);
    }

    @Test
    void whereMultiCreateIsForbiddenEachServerIsCreatedAloneAndToldItsIndex() throws Exception {
        fake.multiCreate = false;
        PilotDriver driver = driver(fake, Map.of("multiCreate", false, "parallelCreates", 3));
        PilotRequest request = request(5);
        Map<String, String> jobRefs = driver.submit(request);
        assertThat(jobRefs).containsOnlyKeys(request.stamps());
        assertThat(fake.count("Nova.createServer")).isEqualTo(5);
        for (int i = 0; i < 5; i++) {
            FakeOpenStack.Server server = serverOf(jobRefs.get(request.stamps().get(i)));
            assertThat(server.metadata).containsEntry("pilotd-index", Integer.toString(i));
            assertThat(server.name).endsWith("-" + (i + 1));
        }
        List<OwnedPilot> owned = driver.listOwned(DIRECTOR);
        assertThat(owned).extracting(OwnedPilot::stamp).containsExactlyInAnyOrderElementsOf(request.stamps());
    }

    @Test
    void userDataIsGzippedWhenItWouldNotFitAndRefusedWhenEvenThatDoesNot() throws Exception {
        String big = "#cloud-config\n# " + "x".repeat(60_000) + "\n";
        assertThat(OpenStackDriver.userData(big).length()).isLessThan(OpenStackDriver.USER_DATA_LIMIT);
        PilotRequest request = new PilotRequest(request(1).batchId(), request(1).stamps(), new PilotPayload(Map.of(), big));
        PilotRequest derived = new PilotRequest(request.batchId(),
                io.pilotd.driver.api.BatchStamps.stamps(request.batchId(), 1), request.payload());
        String jobRef = driver().submit(derived).values().iterator().next();
        assertThat(serverOf(jobRef).request.path("user_data").asText()).startsWith("H4sI");
        byte[] random = new byte[60_000];
        new Random(3).nextBytes(random);
        String noise = Base64.getEncoder().encodeToString(random);
        assertThatThrownBy(() -> OpenStackDriver.userData(noise)).isInstanceOf(DriverException.class)
                .hasMessageContaining("over Nova's 65535-byte limit");
    }
}
