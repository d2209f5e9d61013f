package io.pilotd.director.cli;

import io.pilotd.director.dirac.DiracReference;
import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Pilots named on the command line, by stamp, jobRef, or the reference DIRAC shows
 * (pilotd://stamp): a name that matches none is a usage error.
 */
final class Pilots {
    private Pilots() {
    }

    static PilotRecord find(PilotStore store, String key) {
        return lookUp(store, key).orElseThrow(() -> new NoSuchPilotException(List.of(key)));
    }

    /** Every named pilot, in the order named; all that match none are named in one error. */
    static List<PilotRecord> findAll(PilotStore store, Collection<String> keys) {
        List<PilotRecord> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String key : keys) {
            lookUp(store, key).ifPresentOrElse(found::add, () -> missing.add(key));
        }
        if (!missing.isEmpty()) {
            throw new NoSuchPilotException(missing);
        }
        return found;
    }

    /** A pilot named that the database does not have. */
    static final class NoSuchPilotException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NoSuchPilotException(List<String> keys) {
            super("no pilot with the stamp, jobRef or DIRAC reference " + String.join(", ", keys));
        }
    }

    private static Optional<PilotRecord> lookUp(PilotStore store, String key) {
        return store.find(DiracReference.stamp(key).orElse(key));
    }
}
