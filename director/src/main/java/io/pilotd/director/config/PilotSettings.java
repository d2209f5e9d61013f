package io.pilotd.director.config;

import java.util.List;

/**
 * How pilots are made: the DIRAC pilot's options, where the pilot files come from, and what a
 * VM pilot's cloud-init holds. Globally, and per queue over it (key by key).
 *
 * @param extensions     DIRAC extensions (the pilot's {@code -e})
 * @param locations      where the wrapper fetches the pilot files ({@code pilot.json},
 *                       {@code pilot.tar}, {@code checksums.sha512}), tried in order: https URLs
 *                       or directories on the worker (a CVMFS path)
 * @param extraOptions   more {@code dirac-pilot.py} arguments, as they are
 * @param templates      a directory whose templates replace the built-in ones of the same name
 * @param cvmfs          CVMFS on VM pilots; none when left out
 * @param userDataParts  files of the site's own cloud-init parts, sent beside pilotd's (MIME multi-part)
 */
public record PilotSettings(String setup, String configurationServer, String version, String project,
                            List<String> extensions, List<String> locations, List<String> extraOptions,
                            String templates, CvmfsSettings cvmfs, List<String> userDataParts) {
    public static PilotSettings none() {
        return new PilotSettings(null, null, null, null, null, null, null, null, null, null);
    }

    /** These settings, each one left out taken from {@code global}; a list given (even empty) replaces the global one. */
    public PilotSettings over(PilotSettings global) {
        return new PilotSettings(or(setup, global.setup), or(configurationServer, global.configurationServer),
                or(version, global.version), or(project, global.project), or(extensions, global.extensions),
                or(locations, global.locations), or(extraOptions, global.extraOptions), or(templates, global.templates),
                or(cvmfs, global.cvmfs), or(userDataParts, global.userDataParts));
    }

    private static <T> T or(T value, T global) {
        return value != null ? value : global;
    }

    public List<String> extensionsOrNone() {
        return extensions == null ? List.of() : extensions;
    }

    public List<String> locationsOrNone() {
        return locations == null ? List.of() : locations;
    }

    public List<String> extraOptionsOrNone() {
        return extraOptions == null ? List.of() : extraOptions;
    }

    public List<String> userDataPartsOrNone() {
        return userDataParts == null ? List.of() : userDataParts;
    }
}
