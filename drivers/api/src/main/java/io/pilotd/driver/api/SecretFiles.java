package io.pilotd.driver.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** A file holding a secret (a password, a proxy, a cloud credential) must be readable by its owner only. */
public final class SecretFiles {
    private SecretFiles() {
    }

    /** Whether its group or others may read or write it. */
    public static boolean openToOthers(Set<PosixFilePermission> mode) {
        return mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"));
    }

    public static boolean openToOthers(Path file) throws IOException {
        return openToOthers(Files.getPosixFilePermissions(file));
    }
}
