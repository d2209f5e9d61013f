package io.pilotd.director.cycle;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Batch ids: 32 lowercase hex chars, 128 random bits. The stamps of a batch derive from it
 * ({@link io.pilotd.driver.api.BatchStamps}).
 */
public final class BatchIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private BatchIds() {
    }

    public static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
