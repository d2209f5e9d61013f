package io.pilotd.director.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** An address's failures: spent as requests arrive, given back by those that authenticate, refilled over the minute. */
class AddressLimitsTest {
    private final AtomicLong now = new AtomicLong();
    private final AddressLimits limits = new AddressLimits(3, now::get);

    @Test
    void anAddressThatSpentItsFailuresIsRefusedUntilOneRefills_andAnotherAddressIsNot() {
        for (int i = 0; i < 3; i++) {
            assertThat(limits.admit("192.0.2.7", null).reserved()).isTrue();
        }
        AddressLimits.Admission refused = limits.admit("192.0.2.7", null);
        assertThat(refused.refusedFor()).isEqualTo(Duration.ofSeconds(20));
        assertThat(limits.admit("192.0.2.8", null).refusedFor()).isNull();

        now.addAndGet(Duration.ofSeconds(20).toNanos());
        assertThat(limits.admit("192.0.2.7", null).refusedFor()).as("one refilled").isNull();
        assertThat(limits.admit("192.0.2.7", null).refusedFor()).isNotNull();
    }

    @Test
    void requestsThatAuthenticateGiveTheirsBack_andAnAcceptedCredentialPassesARefusal() {
        for (int i = 0; i < 10; i++) {
            assertThat(limits.admit("192.0.2.9", "hash-of-a-good-key").refusedFor()).isNull();
            limits.release("192.0.2.9");
        }
        limits.accepted("hash-of-a-good-key");
        for (int i = 0; i < 3; i++) {
            limits.admit("192.0.2.9", "hash-of-a-guess-" + i);
        }
        assertThat(limits.admit("192.0.2.9", "hash-of-another-guess").refusedFor()).isNotNull();
        assertThat(limits.admit("192.0.2.9", "hash-of-a-good-key")).isEqualTo(AddressLimits.Admission.FREE);
    }

    @Test
    void anIpv6ClientIsCountedByItsSlash64() {
        assertThat(AddressLimits.key("2001:db8:1:2:aaaa::1")).isEqualTo(AddressLimits.key("2001:db8:1:2:bbbb::2"))
                .isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(AddressLimits.key("2001:db8:1:3::1")).isNotEqualTo(AddressLimits.key("2001:db8:1:2::1"));
        assertThat(AddressLimits.key("192.0.2.7")).isEqualTo("192.0.2.7");
        for (int i = 0; i < 3; i++) {
            limits.admit("2001:db8:1:2::" + (i + 1), null);
        }
        assertThat(limits.admit("2001:db8:1:2::99", null).refusedFor()).isNotNull();
    }
}
