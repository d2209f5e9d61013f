package io.pilotd.director.config;

import java.util.List;

/**
 * How pilots are made: the DIRAC pilot's options, where the pilot files come from, and what a
 * VM pilot's cloud-init holds. Globally, and per queue over it (key by key).
 *
 * <p>{@code version} ({@code -r}) and {@code configurationServer} ({@code -C}) are passed only
 * when set: left out, the pilot.json of the pilot files decides, as it does for DIRAC's own
 * SiteDirector (whose _getPilotOptions passes neither); a {@code -r} other than the Operations'
 * Pilot/Version makes DIRAC's Matcher refuse the pilot (Matcher._checkPilotVersion). The options
 * from {@code preinstalledEnv} on are SiteDirector's, with its names, rendered as its
 * _getPilotOptions renders them (WorkloadManagementSystem/Agent/SiteDirector.py).
 *
 * @param extensions            DIRAC extensions (the pilot's {@code -e})
 * @param locations             where the wrapper fetches the pilot files ({@code pilot.json},
 *                              {@code pilot.tar}, {@code checksums.sha512}), tried in order: https URLs
 *                              or directories on the worker (a CVMFS path)
 * @param extraOptions          more {@code dirac-pilot.py} arguments, as they are
 * @param templates             a directory whose templates replace the built-in ones of the same name
 * @param cvmfs                 CVMFS on VM pilots; none when left out
 * @param userDataParts         files of the site's own cloud-init parts, sent beside pilotd's (MIME multi-part)
 * @param preinstalledEnv       {@code --preinstalledEnv}: a DIRAC installation on the worker to source
 * @param preinstalledEnvPrefix {@code --preinstalledEnvPrefix}: where DIRAC installations by version are
 * @param cvmfsLocations        {@code --CVMFS_locations}: where the pilot looks for DIRAC on CVMFS
 * @param genericOptions        {@code -o} each: options for the pilot's local configuration
 * @param sharedArea            {@code -o /LocalSite/SharedArea=}
 * @param userEnvVariables      {@code --userEnvVariables}: variables the pilot sets for its jobs, as DIRAC writes them
 * @param modules               {@code --modules}: DIRAC modules to install from source
 * @param pipInstallOptions     {@code --pipInstallOptions}
 */
public record PilotSettings(String setup, String configurationServer, String version, String project,
                            List<String> extensions, List<String> locations, List<String> extraOptions,
                            String templates, CvmfsSettings cvmfs, List<String> userDataParts,
                            String preinstalledEnv, String preinstalledEnvPrefix, String cvmfsLocations,
                            List<String> genericOptions, String sharedArea, String userEnvVariables, String modules,
                            String pipInstallOptions) {
    public static PilotSettings none() {
        return new PilotSettings(null, null, null, null, null, null, null, null, null, null);
    }

    /** Settings without SiteDirector's further options. */
    public PilotSettings(String setup, String configurationServer, String version, String project, List<String> extensions,
                         List<String> locations, List<String> extraOptions, String templates, CvmfsSettings cvmfs,
                         List<String> userDataParts) {
        this(setup, configurationServer, version, project, extensions, locations, extraOptions, templates, cvmfs,
                userDataParts, null, null, null, null, null, null, null, null);
    }

    /** These settings, each one left out taken from {@code global}; a list given (even empty) replaces the global one. */
    public PilotSettings over(PilotSettings global) {
        return new PilotSettings(or(setup, global.setup), or(configurationServer, global.configurationServer),
                or(version, global.version), or(project, global.project), or(extensions, global.extensions),
                or(locations, global.locations), or(extraOptions, global.extraOptions), or(templates, global.templates),
                or(cvmfs, global.cvmfs), or(userDataParts, global.userDataParts), or(preinstalledEnv, global.preinstalledEnv),
                or(preinstalledEnvPrefix, global.preinstalledEnvPrefix), or(cvmfsLocations, global.cvmfsLocations),
                or(genericOptions, global.genericOptions), or(sharedArea, global.sharedArea),
                or(userEnvVariables, global.userEnvVariables), or(modules, global.modules),
                or(pipInstallOptions, global.pipInstallOptions));
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

    public List<String> genericOptionsOrNone() {
        return genericOptions == null ? List.of() : genericOptions;
    }
}
