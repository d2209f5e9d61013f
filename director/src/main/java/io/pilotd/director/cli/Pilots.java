package io.pilotd.director.cli;

import io.pilotd.director.store.PilotRecord;
import io.pilotd.director.store.PilotStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Pilots named on the command line, by stamp or jobRef: a name that matches none is a usage error. */
final class Pilots {
    private Pilots() {
    }

    static PilotRecord find(PilotStore store, String key) {
        return store.find(key).orElseThrow(() -> new NoSuchPilotException(List.of(key)));
    }

    /** Every named pilot, in the order named; all that match none are named in one error. */
    static List<PilotRecord> findAll(PilotStore store, Collection<String> keys) {
        List<PilotRecord> found = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String key : keys) {
            store.find(key).ifPresentOrElse(found::add, () -> missing.add(key));
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
            super("no pilot with the stamp or jobRef " + String.join(", ", keys));
        }
    }
}
