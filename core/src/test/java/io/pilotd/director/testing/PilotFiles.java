package io.pilotd.director.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * DIRAC's pilot files as pilotd's wrapper fetches them from a pilot.locations directory:
 * pilot.json, pilot.tar holding the given files (a stand-in dirac-pilot.py among them), and
 * checksums.sha512 of them all.
 */
public final class PilotFiles {
    private PilotFiles() {
    }

    /** @return the directory of the pilot files, in {@code dir} */
    public static Path write(Path dir, Map<String, String> tarred) throws Exception {
        Path files = Files.createDirectories(dir.resolve("pilot-files"));
        Path build = Files.createDirectories(dir.resolve("pilot-build"));
        StringBuilder checksums = new StringBuilder();
        List<String> tar = new ArrayList<>(List.of("tar", "-cf", files.resolve("pilot.tar").toString(), "-C", build.toString()));
        for (Map.Entry<String, String> file : tarred.entrySet()) {
            checksums.append(sha512(Files.writeString(build.resolve(file.getKey()), file.getValue()))).append("  ")
                    .append(file.getKey()).append('\n');
            tar.add(file.getKey());
        }
        Process tarring = new ProcessBuilder(tar).inheritIO().start();
        assertThat(tarring.waitFor(30, TimeUnit.SECONDS) && tarring.exitValue() == 0).as("pilot.tar written").isTrue();
        checksums.append(sha512(Files.writeString(files.resolve("pilot.json"), "{\"Setups\": {}}\n"))).append("  pilot.json\n");
        Files.writeString(files.resolve("checksums.sha512"), checksums);
        return files;
    }

    private static String sha512(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(Files.readAllBytes(file)));
    }
}
