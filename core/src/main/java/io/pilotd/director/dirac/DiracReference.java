package io.pilotd.director.dirac;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A pilot's reference in DIRAC (PilotJobReference): {@code pilotd://<stamp>}. It is known from the
 * stamp alone, before the cloud is asked, so the PilotAgents row can be written with the intent;
 * the cloud's own id stays pilotd's jobRef. Every pilot exports it as {@code PILOT_UUID}, which
 * DIRAC's pilot takes over every batch system's variable (Pilot/pilotTools.py, getSubmitterInfo;
 * pilotCommands.py ConfigureSite.__setFlavour: "Pilot reference is given explicitly in
 * environment"): the bootstrap and the wrapper in cloud-init/templates set it the same way, and
 * the DIRAC extension in dirac/ reads the stamp back from it.
 */
public final class DiracReference {
    public static final String SCHEME = "pilotd://";
    /** The stamp as DIRAC keeps it: PilotStamp is a VARCHAR(32), and its remote logging takes hex. */
    private static final Pattern STAMP = Pattern.compile("[0-9a-f]{32}");

    private DiracReference() {
    }

    public static String of(String stamp) {
        if (!STAMP.matcher(stamp).matches()) {
            throw new IllegalArgumentException("a pilot stamp is 32 lower-case hex characters, as DIRAC's PilotStamp"
                    + " column holds it: not " + stamp);
        }
        return SCHEME + stamp;
    }

    /** The stamp of a reference, with or without the {@code :::<stamp>} DIRAC appends to ask for output. */
    public static Optional<String> stamp(String reference) {
        if (reference == null || !reference.startsWith(SCHEME)) {
            return Optional.empty();
        }
        String rest = reference.substring(SCHEME.length());
        int marker = rest.indexOf(":::");
        String stamp = marker < 0 ? rest : rest.substring(0, marker);
        return STAMP.matcher(stamp).matches() ? Optional.of(stamp) : Optional.empty();
    }
}
