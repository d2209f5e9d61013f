package io.pilotd.bench;

/**
 * One measured figure beside what it is measured against in the same run.
 *
 * @param reference the same work done the plainest way on this machine (raw PostgreSQL, the
 *                  bare JVM, a per-pilot design), or what the figure must be independent of
 * @param target    the target
 * @param met       whether the target is met
 */
record Figure(String name, String measured, String reference, String target, boolean met) {
}
