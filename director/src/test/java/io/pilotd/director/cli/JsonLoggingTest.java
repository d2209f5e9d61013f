package io.pilotd.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pilotd.director.testing.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code --log-format json}: every log line one JSON object, for a log pipeline. */
class JsonLoggingTest {
    @TempDir
    Path dir;

    @AfterEach
    void plainAgain() throws Exception {
        // The next tests log as logback-test.xml says.
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @Test
    void eachLogLineIsOneJsonObjectWithItsLevelLoggerAndMessage() throws Exception {
        Path config = Files.writeString(dir.resolve("pilotd.yaml"), ConfigCheckTest.VALID.replace("director:\n",
                "director:\n  dataDir: " + dir.resolve("data") + "\n"));
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            Cli result = Cli.run("--log-format", "json", "--verbose", "render", "--queue", "q1", "--config", config.toString());
            assertThat(result.exitCode()).as(result.err()).isZero();
        } finally {
            System.setErr(err);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).isNotEmpty();
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode event = json.readTree(line);
            assertThat(event.get("level").asText()).isIn("DEBUG", "INFO", "WARN", "ERROR");
            assertThat(event.get("loggerName").asText()).isNotEmpty();
            assertThat(event.has("message")).isTrue();
        }
    }

    @Test
    void aFormatThatIsNoFormatIsRefused() {
        Cli result = Cli.run("--log-format", "xml", "queues");
        assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err()).contains("--log-format").contains("xml");
    }
}
