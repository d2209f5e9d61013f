package io.pilotd.director.config;

/**
 * What a queue's pilots cost, for the {@code cost} report and the metrics: per pilot-hour (a
 * VM's instance type's hourly price), or per core-hour (a vCPU-hour, times the queue's
 * {@code matching.processors}). One of the two.
 */
public record Price(Double perPilotHour, Double perCoreHour) {
    /** The price of one pilot-hour of a pilot of this many cores. */
    public double perPilotHour(int processors) {
        return perPilotHour != null ? perPilotHour : perCoreHour * processors;
    }
}
