package io.pilotd.driver.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DriverApiTest {

    @Test
    void batchStampsAreStableUniqueAndLookLikeStamps() {
        String batch = "0123456789abcdef0123456789abcdef";
        List<String> stamps = BatchStamps.stamps(batch, 10_000);
        assertThat(new HashSet<>(stamps)).hasSize(10_000);
        assertThat(stamps).allSatisfy(s -> assertThat(s).matches("[0-9a-f]{32}"));
        assertThat(BatchStamps.stamp(batch, 42)).isEqualTo(stamps.get(42));
        // what `printf '%s' "$batch:0" | sha256sum | cut -c1-32` prints, as a pilot computes it
        assertThat(stamps.get(0)).isEqualTo("ca6f1a8710df6d0d4232f2ea641de69c");
        Set<String> otherBatch = new HashSet<>(BatchStamps.stamps("fedcba9876543210fedcba9876543210", 10_000));
        otherBatch.retainAll(stamps);
        assertThat(otherBatch).isEmpty();
    }

    @Test
    void durationsReadAsOperatorsWriteThem() {
        assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("PT5M")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.format(Duration.ofMinutes(120))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("'soon' is not a duration");
    }

    @Test
    void parametersNameEveryProblemIncludingUnreadKeys() {
        DriverParameters p = new DriverParameters(Map.of("count", "many", "flag", "yes", "extra", 1, "list", List.of("a", "b")));
        p.optionalInt("count", 1, 1, 10);
        p.optionalBoolean("flag", false);
        p.requireString("name");
        assertThat(p.optionalStringList("list")).containsExactly("a", "b");
        assertThatThrownBy(p::validate).isInstanceOf(InvalidParametersException.class)
                .satisfies(e -> assertThat(((InvalidParametersException) e).problems()).extracting(InvalidParametersException.Problem::parameter)
                        .containsExactlyInAnyOrder("count", "flag", "name", "extra"));
    }
}
