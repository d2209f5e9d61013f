package io.pilotd.driver.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The stamps of a submission, derived from its batch id: the pilot at index {@code i} of batch
 * {@code b} has stamp {@code SHA-256(b + ":" + i)}, first 32 hex chars. A batch id is 128
 * random bits, so stamps are as unique as random ones; and a driver whose cloud keeps only the
 * batch id and each resource's index (an EC2 instance's launch index, an array child's index)
 * finds every stamp again without one tag per pilot.
 */
public final class BatchStamps {
    private BatchStamps() {
    }

    public static String stamp(String batchId, int index) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((batchId + ":" + index).getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    public static List<String> stamps(String batchId, int count) {
        List<String> stamps = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            stamps.add(stamp(batchId, i));
        }
        return stamps;
    }
}
