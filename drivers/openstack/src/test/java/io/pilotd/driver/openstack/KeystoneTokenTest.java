package io.pilotd.driver.openstack;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.driver.api.DriverParameters;
import io.pilotd.fakes.CloudBehaviour;
import io.pilotd.fakes.FakeClock;
import io.pilotd.fakes.FakeOpenStack;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstack4j.model.compute.Flavor;

/** Keystone tokens used for most of their life, however short it is: a fake Keystone and Nova on the test's clock. */
class KeystoneTokenTest {
    private final FakeClock clock = new FakeClock();
    private FakeOpenStack fake;

    @TempDir
    Path home;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeOpenStack(new CloudBehaviour(clock, 1));
    }

    @AfterEach
    void tearDown() throws Exception {
        fake.close();
    }

    private Keystone keystone() throws Exception {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("authUrl", fake.authUrl());
        p.put("region", FakeOpenStack.REGION);
        p.put("username", FakeOpenStack.USER);
        p.put("project", FakeOpenStack.PROJECT);
        p.put("image", "alma9-pilot");
        p.put("flavor", "m1.large");
        // the fake cloud meters nothing
        p.put("callsPerSecond", 100_000);
        OpenStackConfig config = OpenStackConfig.from(new DriverParameters(p), Map.of("OS_PASSWORD", FakeOpenStack.PASSWORD),
                home, home);
        return new Keystone(config.credentials(), HttpClient.newHttpClient(), Duration.ofSeconds(10), clock,
                config.callsPerSecond());
    }

    /** Calls Nova every 5 s for {@code how long}; how many tokens Keystone was asked for. */
    private int tokensFor(Keystone keystone, Duration howLong) throws Exception {
        int before = fake.count("Keystone.auth");
        for (Duration at = Duration.ZERO; at.compareTo(howLong) < 0; at = at.plusSeconds(5)) {
            List<? extends Flavor> flavors = keystone.call("listing the flavors", os -> os.compute().flavors().list());
            assertThat(flavors).as("at %s", at).isNotEmpty();
            clock.advance(Duration.ofSeconds(5));
        }
        return fake.count("Keystone.auth") - before;
    }

    @Test
    void tokensOfTwoMinutesForTwentyMinutesAreAtMostOneRequestPerNinetySeconds() throws Exception {
        fake.tokenLifetime = Duration.ofMinutes(2);
        int tokens = tokensFor(keystone(), Duration.ofMinutes(20));
        System.out.printf("KeystoneTokenTest: %d token requests in 20 min of 2-minute tokens%n", tokens);
        assertThat(tokens).as("one per 90 s at most").isLessThanOrEqualTo((int) Math.ceil(20 * 60 / 90.0));
        assertThat(fake.count("Nova.listFlavors")).as("every call answered with a valid token").isEqualTo(240);
    }

    @Test
    void anHourLongTokenIsRenewedFiveMinutesBeforeItExpires() throws Exception {
        fake.tokenLifetime = Duration.ofHours(1);
        Keystone keystone = keystone();
        assertThat(tokensFor(keystone, Duration.ofMinutes(54).plusSeconds(55))).isEqualTo(1);
        assertThat(tokensFor(keystone, Duration.ofSeconds(10))).as("in its last 5 minutes").isEqualTo(1);
    }
}
