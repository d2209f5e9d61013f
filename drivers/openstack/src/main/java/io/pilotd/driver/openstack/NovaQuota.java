package io.pilotd.driver.openstack;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many servers Nova's quota admits, from its refusal of a create: Nova's TooManyInstances
 * says "Quota exceeded for &lt;resource&gt;: Requested &lt;req&gt;, but already used &lt;used&gt;
 * of &lt;allowed&gt; &lt;resource&gt;" (nova/exception.py), where req is the whole create's need
 * of the first resource over quota (instances, cores or ram).
 */
final class NovaQuota {
    private static final Pattern TOO_MANY = Pattern.compile(
            "Quota exceeded for [\\w, ]+: Requested (\\d{1,12}), but already used (\\d{1,12}) of (\\d{1,12})");

    private NovaQuota() {
    }

    /**
     * @param servers how many servers the refused create asked for
     * @return how many of them the quota admits, when the answer is Nova's quota refusal
     */
    static OptionalInt fits(int status, String message, int servers) {
        Matcher m = status == 403 && message != null ? TOO_MANY.matcher(message) : null;
        if (m == null || !m.find()) {
            return OptionalInt.empty();
        }
        long requested = Long.parseLong(m.group(1));
        long left = Long.parseLong(m.group(3)) - Long.parseLong(m.group(2));
        if (requested <= 0 || left < 0) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) Math.min(servers, left * servers / requested));
    }
}
