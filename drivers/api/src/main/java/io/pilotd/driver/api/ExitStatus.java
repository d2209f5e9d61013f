package io.pilotd.driver.api;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pilot's exit status as a VM's user-data writes it to the console when the pilot ends
 * ({@code pilotd-pilot-exit-status: N}): how a VM driver tells a pilot that succeeded from one
 * that failed once the VM has powered itself off.
 */
public final class ExitStatus {
    private static final Pattern LINE = Pattern.compile("(?m)^.*pilotd-pilot-exit-status: (\\d{1,3})\\s*$");

    private ExitStatus() {
    }

    /** The last one written, if any. */
    public static OptionalInt in(String console) {
        Matcher m = LINE.matcher(console);
        OptionalInt last = OptionalInt.empty();
        while (m.find()) {
            last = OptionalInt.of(Integer.parseInt(m.group(1)));
        }
        return last;
    }
}
