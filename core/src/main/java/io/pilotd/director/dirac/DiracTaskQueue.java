package io.pilotd.director.dirac;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of DIRAC's task queues with waiting jobs, as its TaskQueueDB holds it: a row of
 * {@code tq_TaskQueues}, its {@code tq_Jobs} counted, and its {@code tq_TQTo*} lists, sorted. A
 * list holding DIRAC's "any" is kept empty, and an "any" tag dropped: both ask for nothing.
 */
public record DiracTaskQueue(long tqId, String owner, String ownerGroup, String vo, long cpuTime, double priority,
                             int jobs, List<String> sites, List<String> bannedSites, List<String> platforms,
                             List<String> tags, List<String> jobTypes, List<String> gridCes) {
    private static final Pattern PROCESSORS = Pattern.compile("(\\d{1,4})Processors");
    static final String WHOLE_NODE = "WholeNode";

    public DiracTaskQueue {
        sites = anyIsNone(sites);
        platforms = anyIsNone(platforms);
        jobTypes = anyIsNone(jobTypes);
        gridCes = anyIsNone(gridCes);
        bannedSites = bannedSites.stream().sorted().toList();
        tags = tags.stream().filter(t -> !isAny(t)).sorted().toList();
    }

    /**
     * The cores one of its jobs takes: its largest {@code <n>Processors} tag (DIRAC tags a job
     * that asks for 4 processors MultiProcessor and 4Processors), 1 without one; null for a
     * WholeNode job, which takes a whole pilot whatever its size.
     */
    public Integer processors() {
        if (tags.contains(WHOLE_NODE)) {
            return null;
        }
        int most = 1;
        for (String tag : tags) {
            Matcher m = PROCESSORS.matcher(tag);
            if (m.matches()) {
                most = Math.max(most, Integer.parseInt(m.group(1)));
            }
        }
        return most;
    }

    /** DIRAC's "any": any case, punctuation ignored. */
    static boolean isAny(String value) {
        return value.replaceAll("\\p{Punct}", "").equalsIgnoreCase("any");
    }

    private static List<String> anyIsNone(List<String> values) {
        return values.stream().anyMatch(DiracTaskQueue::isAny) ? List.of() : values.stream().sorted().toList();
    }
}
