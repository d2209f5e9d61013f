package io.pilotd.director.cycle;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Pilot stamps (DIRAC's diracStamp) and batch ids: 32 lowercase hex chars, 128 random bits. */
public final class Stamps {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Stamps() {
    }

    public static String next() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    public static List<String> next(int count) {
        List<String> stamps = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            stamps.add(next());
        }
        return stamps;
    }
}
