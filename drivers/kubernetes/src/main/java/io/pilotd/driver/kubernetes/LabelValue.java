package io.pilotd.driver.kubernetes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A director id or queue name as a label value. The API takes at most 63 letters, digits, '-',
 * '_' and '.', beginning and ending with a letter or digit; a director id may be 64 characters
 * or a host's full name, and a queue name may end with '-'. Those are shortened and suffixed
 * with a hash of the whole: the same name always gives the same value, two names two values.
 */
final class LabelValue {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    /** What is kept of an invalid name: 54 characters, a '-', and 8 of its hash's. */
    private static final int KEPT = 54;

    private LabelValue() {
    }

    static String of(String name) {
        if (VALID.matcher(name).matches()) {
            return name;
        }
        String kept = name.replaceAll("[^-A-Za-z0-9_.]", "-");
        kept = kept.substring(0, Math.min(KEPT, kept.length())).replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
        return (kept.isEmpty() ? "" : kept + "-") + hash(name);
    }

    private static String hash(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every Java runtime", e);
        }
    }
}
