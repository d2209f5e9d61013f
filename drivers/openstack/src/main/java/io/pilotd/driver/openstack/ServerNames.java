package io.pilotd.driver.openstack;

import java.util.OptionalInt;

/**
 * How pilotd names its servers and what it writes in their metadata. A batch's servers are
 * {@code pilotd-<director>-<queue>-<batch>}, to which Nova's multi-create appends {@code -1..-n}
 * (a lone server keeps the bare name); server {@code -k} runs the batch's pilot {@code k-1}, as
 * its launch index says to the VM.
 */
final class ServerNames {
    static final String METADATA_PREFIX = "pilotd-";
    static final String DIRECTOR = "pilotd-director";
    static final String QUEUE = "pilotd-queue";
    static final String BATCH = "pilotd-batch";
    /** Set on each server created alone (no multi-create), whose launch index is always 0. */
    static final String INDEX = "pilotd-index";

    private ServerNames() {
    }

    static String ofDirector(String directorId) {
        return "pilotd-" + directorId + "-";
    }

    static String ofQueue(String directorId, String queue) {
        return ofDirector(directorId) + queue + "-";
    }

    static String ofBatch(String directorId, String queue, String batchId) {
        return ofQueue(directorId, queue) + batchId;
    }

    /** Nova's name filter is a regular expression searched in the name: this one matches names that start so. */
    static String startingWith(String prefix) {
        return "^" + prefix.replaceAll("([\\\\.\\[\\]{}()*+?^$|])", "\\\\$1");
    }

    /** The index in its batch of the server with this name, or empty when it is not one of the batch's. */
    static OptionalInt index(String serverName, String batchName) {
        if (serverName.equals(batchName)) {
            return OptionalInt.of(0);
        }
        if (!serverName.startsWith(batchName + "-")) {
            return OptionalInt.empty();
        }
        String suffix = serverName.substring(batchName.length() + 1);
        if (!suffix.matches("[1-9][0-9]{0,5}")) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(suffix) - 1);
    }
}
