package io.pilotd.proxy;

/**
 * A proxy file that cannot be read or is not a proxy at all. The message names the file and
 * what is wrong with it, never any of its content.
 */
public final class ProxyException extends Exception {
    public ProxyException(String message) {
        super(message);
    }

    public ProxyException(String message, Throwable cause) {
        super(message, cause);
    }
}
