package io.pilotd.director.config;

import java.time.Duration;

/**
 * How long the database keeps its history: at 1,000 queues, {@code director_cycle} grows by
 * about 700,000 rows a day.
 *
 * @param cycles       cycle records ({@code director_cycle}) older than this are deleted
 * @param pilotHistory the status history of pilots that ended, older than this, is deleted
 *                     (the pilots themselves, and the history of live ones, are kept)
 * @param pilotFiles   what the drivers keep of pilots that ended longer ago than this (a local
 *                     pilot's directory and output) is deleted
 * @param endpointAudit the serverless endpoint's audit rows older than this are deleted (default 90 days)
 * @param every        how often it is done (each time a bounded amount), and how soon another
 *                     director of a cluster takes over the history's from a dead one (default 10 minutes)
 */
public record RetentionSettings(Duration cycles, Duration pilotHistory, Duration pilotFiles, Duration endpointAudit,
                                Duration every) {
    static final Duration DEFAULT = Duration.ofDays(30);
    /** Less would delete what the reports and a back-off look at. */
    static final Duration SHORTEST = Duration.ofDays(1);
    /** Less would have every director of a cluster ask for the duty all the time. */
    static final Duration MOST_OFTEN = Duration.ofSeconds(1);

    public static RetentionSettings defaults() {
        return new RetentionSettings(null, null, null, null, null);
    }

    public RetentionSettings {
        cycles = cycles == null ? DEFAULT : cycles;
        pilotHistory = pilotHistory == null ? DEFAULT : pilotHistory;
        pilotFiles = pilotFiles == null ? DEFAULT : pilotFiles;
        endpointAudit = endpointAudit == null ? Duration.ofDays(90) : endpointAudit;
        every = every == null ? Duration.ofMinutes(10) : every;
    }
}
