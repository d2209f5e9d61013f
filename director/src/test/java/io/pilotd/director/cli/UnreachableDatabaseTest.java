package io.pilotd.director.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.pilotd.director.testing.Cli;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database that cannot be reached makes a command fail with a message naming it and the
 * cause, after one bounded attempt, never a long wait. (The time-out only guards against a hang.)
 */
class UnreachableDatabaseTest {
    @TempDir
    Path dir;

    private Path config(int port) throws IOException {
        return Files.writeString(dir.resolve("pilotd.yaml"), """
                director:
                  dataDir: %s
                database:
                  url: jdbc:postgresql://127.0.0.1:%d/pilotd
                  user: pilotd
                sites:
                  LOCAL.Test.de: {}
                queues:
                  - name: q1
                    site: LOCAL.Test.de
                    ce: localhost
                    queue: default
                    driver: local
                    limits: {maxRunning: 1, maxWaiting: 1}
                    parameters: {command: [/bin/true]}
                """.formatted(dir.resolve("data"), port));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aClosedPortIsNamedWithTheDriversWords() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        Cli result = Cli.run("pilots", "--config", config(port).toString());
        assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
        assertThat(result.err()).startsWith("pilotd: cannot connect to the database jdbc:postgresql://127.0.0.1:" + port
                + "/pilotd as pilotd: ").contains("refused").doesNotContain("\tat ");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aServerThatNeverAnswersTheLoginTimesOut() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(silent.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.start();
            Cli result = Cli.run("queues", "--config", config(silent.getLocalPort()).toString());
            assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
            assertThat(result.err()).startsWith("pilotd: cannot connect to the database").doesNotContain("\tat ");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
