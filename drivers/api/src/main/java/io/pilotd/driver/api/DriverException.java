package io.pilotd.driver.api;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * A call that failed. Thrown as this class itself, it means the cloud refused for good (bad
 * credentials, unknown image, quota): retrying the same call will not help, and a refused
 * {@link PilotDriver#submit submit} started nothing. The message is the cloud's own words and
 * becomes the reason a pilot is {@code Aborted}; it must never contain a secret.
 *
 * <p>Two subclasses say more: {@link RetryableDriverException} (not carried out, try later) and
 * {@link OutcomeUnknownException} (the cloud may have acted). A driver throws nothing else: every
 * error shape of its cloud (an HTML page from a load balancer, a truncated body, a dropped
 * connection) is classified into one of the three.
 */
public class DriverException extends Exception {
    private static final long serialVersionUID = 1L;

    public DriverException(String message) {
        super(message);
    }

    public DriverException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether a call failed before its connection opened (refused, no such host, no route, a
     * connect time-out): nothing reached the cloud, so nothing was done, whatever the call was.
     */
    public static boolean neverSent(Throwable e) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException
                    || t instanceof HttpConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * What an exception says, for a message: its own words, or its kind where it has none (a
     * time-out or a reset often has none), then what each cause below it adds, so that a
     * message never ends in "null" and never loses the reason underneath.
     */
    public static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = e; t != null && seen.add(t); t = t.getCause()) {
            String own = t.getMessage() == null || t.getMessage().isBlank() ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(own) >= 0) {
                continue;
            }
            if (text.length() > 0) {
                text.append(": ");
            }
            text.append(own);
        }
        return text.toString();
    }
}
