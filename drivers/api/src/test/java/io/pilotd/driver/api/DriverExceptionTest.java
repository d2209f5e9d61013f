package io.pilotd.driver.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/** Error messages carry their cause, never "null". */
class DriverExceptionTest {
    @Test
    void aCauseWithoutWordsIsNamedByItsKind() {
        assertThat(DriverException.describe(new SocketTimeoutException())).isEqualTo("SocketTimeoutException");
        assertThat(DriverException.describe(new RuntimeException(null, new SocketTimeoutException("Read timed out"))))
                .isEqualTo("RuntimeException: Read timed out");
    }

    @Test
    void eachCauseAddsWhatItSaysOnce() {
        IOException reset = new IOException("Connection reset");
        assertThat(DriverException.describe(new UncheckedIOException("Nova did not answer", reset)))
                .isEqualTo("Nova did not answer: Connection reset");
        // a wrapper whose message is its cause's toString says it once
        RuntimeException wrapper = new RuntimeException(reset);
        assertThat(DriverException.describe(wrapper)).isEqualTo("java.io.IOException: Connection reset");
    }

    @Test
    void aCauseThatLoopsEnds() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(DriverException.describe(b)).isEqualTo("b: a");
    }
}
