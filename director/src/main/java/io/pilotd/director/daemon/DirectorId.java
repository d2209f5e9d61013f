package io.pilotd.director.daemon;

import io.pilotd.director.config.DirectorSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** The director's id: the configured one, else the host name. */
public final class DirectorId {
    private DirectorId() {
    }

    /** This host's name, as the director registry and the logs give it. */
    public static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    public static String of(DirectorSettings settings) {
        if (settings.id() != null) {
            return settings.id();
        }
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "-");
        } catch (UnknownHostException e) {
            return "pilotd";
        }
    }
}
