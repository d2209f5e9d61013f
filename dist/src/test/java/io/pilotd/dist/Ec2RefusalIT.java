package io.pilotd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Through the launcher, with the real ec2 driver: an EC2 endpoint on 127.0.0.1 that refuses the
 * image. The pilots are recorded Aborted with the cloud's own words, and the command fails.
 */
class Ec2RefusalIT {
    private static final String REFUSAL = "<Response><Errors><Error><Code>InvalidAMIID.NotFound</Code>"
            + "<Message>The image id '[ami-0123456789abcdef0]' does not exist</Message></Error></Errors>"
            + "<RequestID>r-1</RequestID></Response>";

    @TempDir
    Path dataDir;

    @Test
    void aRefusedSubmissionIsRecordedAbortedWithTheCloudsMessage() throws Exception {
        AtomicInteger runInstances = new AtomicInteger();
        HttpServer ec2 = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ec2.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (body.contains("Action=RunInstances")) {
                runInstances.incrementAndGet();
            }
            byte[] reply = REFUSAL.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(400, reply.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(reply);
            }
        });
        ec2.start();
        try {
            Path config = dataDir.resolve("pilotd.yaml");
            Files.writeString(config, """
                    director: {id: it-director}
                    pilot: {locations: [https://dirac.example.org/pilot]}
                    sites: {CLOUD.AWS-Test.de: {maxCores: 64}}
                    queues:
                      - name: ec2-test
                        site: CLOUD.AWS-Test.de
                        ce: ec2.eu-central-1.amazonaws.com
                        queue: c6i.xlarge
                        driver: ec2
                        limits: {maxRunning: 10, maxWaiting: 10}
                        matching: {processors: 4}
                        parameters:
                          region: eu-central-1
                          endpoint: http://127.0.0.1:%d
                          image: ami-0123456789abcdef0
                          instanceType: c6i.xlarge
                    """.formatted(ec2.getAddress().getPort()));
            Map<String, String> credentials = Map.of("AWS_ACCESS_KEY_ID", "AKIAPILOTDTEST000000",
                    "AWS_SECRET_ACCESS_KEY", "pilotd-test-secret", "AWS_EC2_METADATA_DISABLED", "true");

            Pilotd.Run submit = Pilotd.run(dataDir, credentials, "submit", "--config", config.toString(),
                    "--queue", "ec2-test", "--count", "2");

            assertThat(submit.exitCode()).as(submit.err()).isEqualTo(1);
            assertThat(submit.err()).contains("submission refused: RunInstances: InvalidAMIID.NotFound: "
                    + "The image id '[ami-0123456789abcdef0]' does not exist");
            assertThat(submit.err()).doesNotContain("pilotd-test-secret");
            assertThat(runInstances).hasValue(1);
            Pilotd.Run pilots = Pilotd.run(dataDir, "pilots", "--config", config.toString(), "--format", "csv");
            assertThat(pilots.out().lines().skip(1)).hasSize(2).allSatisfy(line -> assertThat(line)
                    .contains(",ec2-test,Aborted,").contains("InvalidAMIID.NotFound"));
        } finally {
            ec2.stop(0);
        }
    }
}
