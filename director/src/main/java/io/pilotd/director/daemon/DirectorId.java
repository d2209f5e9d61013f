package io.pilotd.director.daemon;

import io.pilotd.director.config.DirectorSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** The director's id: the configured one, else the host name. */
public final class DirectorId {
    private DirectorId() {
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
