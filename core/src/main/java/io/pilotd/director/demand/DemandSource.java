package io.pilotd.director.demand;

import java.util.Set;
import java.util.function.Consumer;

/**
 * Where the director's demand comes from (config {@code demand.source}). A source keeps the
 * database's picture of the waiting jobs current, where each decision reads it in the same call
 * that takes its locks (R__decision_inputs.sql), and says when new waiting jobs appear.
 */
public interface DemandSource extends AutoCloseable {
    /** The config's name of it: pilotd or dirac. */
    String name();

    /**
     * Starts following the source.
     *
     * @param newJobs told the configured queues that serve new waiting jobs, as they appear
     */
    void start(Consumer<Set<String>> newJobs);

    /** Stops following it; the picture in the database stays as last read. */
    @Override
    void close();
}
