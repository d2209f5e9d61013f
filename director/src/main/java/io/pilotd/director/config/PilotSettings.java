package io.pilotd.director.config;

import java.util.List;

/** The DIRAC pilot options every pilot wrapper is generated with. */
public record PilotSettings(String setup, String configurationServer, String version, String project,
                            List<String> extraOptions) {
    public static PilotSettings none() {
        return new PilotSettings(null, null, null, null, null);
    }

    public PilotSettings {
        extraOptions = extraOptions == null ? List.of() : List.copyOf(extraOptions);
    }
}
