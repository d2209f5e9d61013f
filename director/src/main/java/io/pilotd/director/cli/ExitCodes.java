package io.pilotd.director.cli;

/** What pilotd's exit status means; listed in {@code pilotd --help}. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILURE = 1;
    public static final int USAGE = 2;

    private ExitCodes() {
    }
}
