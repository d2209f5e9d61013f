package io.pilotd.driver.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PaceTest {

    @Test
    void callersWithOneKeyAndOneRateShareABucket() {
        assertThat(Pace.of("test|shared", 3, 1)).isSameAs(Pace.of("test|shared", 3, 1));
    }

    @Test
    void aNewRateForAKeyGetsItsOwnBucket_soAReloadedRateTakesEffect() {
        Pace before = Pace.of("test|reloaded", 3, 1);
        Pace after = Pace.of("test|reloaded", 30, 10);

        assertThat(after).isNotSameAs(before);
        assertThat(Pace.of("test|reloaded", 30, 10)).isSameAs(after);
    }
}
