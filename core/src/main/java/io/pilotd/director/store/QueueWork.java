package io.pilotd.director.store;

import java.math.BigDecimal;

/**
 * What a queue's pilots did in the last 24 hours (the {@code efficiency} and {@code cost}
 * reports' window): the status page's and the metrics' figures.
 *
 * @param ended        pilots that ended, Deleted ones too
 * @param empty        of them, those that ran and took no job
 * @param jobsPerPilot jobs per pilot that ran with its jobs known; null when none
 * @param pilotHours   from each one's submission to its end
 * @param cost         at the queue's price; null without one
 * @param emptyCost    the empty ones' part of it; null without a price
 */
public record QueueWork(String queue, int ended, int empty, BigDecimal jobsPerPilot, BigDecimal pilotHours, BigDecimal cost,
                        BigDecimal emptyCost) {
}
