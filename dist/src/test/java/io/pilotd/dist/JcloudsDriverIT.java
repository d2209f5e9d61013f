package io.pilotd.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jclouds driver from the distribution: loaded from lib/drivers/jclouds with a class loader
 * of its own (jclouds, Guice and Gson are not on the core's class path), it starts pilots on
 * jclouds' in-memory stub cloud through the launcher.
 */
class JcloudsDriverIT {
    @TempDir
    Path dataDir;

    @Test
    void itsLibrariesAreOffTheCoresClassPathAndItsPilotsStart() throws Exception {
        assertThat(Pilotd.inOwnFolder("jclouds", "jclouds-core-", "guice-", "gson-", "pilotd-driver-jclouds-"))
                .as("its jars in lib/drivers/jclouds and none in lib/").isTrue();

        Path config = dataDir.resolve("pilotd.yaml");
        Files.writeString(config, """
                director: {id: it-director}
                pilot: {locations: [https://dirac.example.org/pilot]}
                sites: {CLOUD.Stub.org: {}}
                queues:
                  - name: stub
                    site: CLOUD.Stub.org
                    ce: stub.example.org
                    queue: small
                    driver: jclouds
                    limits: {maxRunning: 10, maxWaiting: 10}
                    parameters:
                      provider: stub
                      identity: it-account
                      image: "1"
                      hardware: small
                """);

        Pilotd.Run check = Pilotd.run(dataDir, "config", "check", config.toString());
        assertThat(check.exitCode()).as(check.err()).isZero();
        Pilotd.Run submit = Pilotd.run(dataDir, "submit", "--config", config.toString(), "--queue", "stub", "--count", "2",
                "--format", "csv");
        assertThat(submit.exitCode()).as(submit.err()).isZero();
        Pilotd.Run pilots = Pilotd.run(dataDir, "pilots", "--config", config.toString(), "--format", "csv");
        assertThat(pilots.out().lines().skip(1)).hasSize(2)
                .allSatisfy(line -> assertThat(line).contains(",stub,Submitted,").contains("jclouds://stub/"));
    }
}
