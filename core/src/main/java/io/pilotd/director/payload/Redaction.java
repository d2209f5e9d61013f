package io.pilotd.director.payload;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of what is logged, stored or shown: an exact secret wherever it appears, and
 * anything shaped like one (a PEM block, a long base64 run) that a cloud might echo back in an
 * error, whole or cut.
 */
public final class Redaction {
    public static final String MARK = "<redacted>";
    private static final Pattern PEM = Pattern.compile("-----BEGIN [A-Z0-9 ]+-----[\\s\\S]*?(-----END [A-Z0-9 ]+-----|$)");
    private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/]{200,}={0,2}");

    private Redaction() {
    }

    /** For what others wrote (a cloud's error): the secrets, and anything that looks like one. */
    public static String scrub(String text, Collection<String> secrets) {
        if (text == null) {
            return null;
        }
        String out = PEM.matcher(exact(text, secrets)).replaceAll(MARK);
        return BASE64_RUN.matcher(out).replaceAll(MARK);
    }

    /** For what pilotd wrote itself (a payload shown by {@code pilotd render}): the secrets, the rest as it is. */
    public static String exact(String text, Collection<String> secrets) {
        String out = text;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                out = out.replace(secret, MARK);
            }
        }
        return out;
    }
}
