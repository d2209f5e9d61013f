package io.pilotd.director.store;

/** The database cannot be reached now: its address, and what the driver or the network said. */
public final class DatabaseUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatabaseUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
