package io.pilotd.driver.aws;

import java.util.Optional;

/**
 * {@code awsbatch://<region>/<job queue>/<job id>} for a plain job, with {@code :<index>} for a
 * child of an array job: the id DescribeJobs and TerminateJob take.
 */
record BatchJobRef(String region, String queue, String jobId) {
    private static final String SCHEME = "awsbatch://";

    static BatchJobRef of(String region, String queue, String jobId) {
        return new BatchJobRef(region, queue, jobId);
    }

    static Optional<BatchJobRef> parse(String jobRef) {
        if (!jobRef.startsWith(SCHEME)) {
            return Optional.empty();
        }
        String[] parts = jobRef.substring(SCHEME.length()).split("/");
        return parts.length == 3 ? Optional.of(new BatchJobRef(parts[0], parts[1], parts[2])) : Optional.empty();
    }

    @Override
    public String toString() {
        return SCHEME + region + "/" + queue + "/" + jobId;
    }
}
