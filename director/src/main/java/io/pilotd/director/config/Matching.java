package io.pilotd.director.config;

import java.util.List;

/**
 * What a queue offers, matched against the task queues to count its demand.
 *
 * @param vo           the VO whose jobs it runs (none: any)
 * @param platform     its platform (a task queue that names platforms must name this one)
 * @param tags         tags it offers (GPU, MultiProcessor, WholeNode, ...): a task queue's every
 *                     tag must be among them
 * @param requiredTags tags a task queue must carry to run here
 * @param ownerGroups  only task queues of these groups (none: any)
 * @param processors   cores per pilot; a task queue wanting more does not match
 * @param memoryMB     memory per pilot; a task queue wanting more does not match (none: any)
 * @param maxCpuTime   the longest CPU time a job may ask for, in seconds (none: any)
 * @param jobTypes     DIRAC's JobType: the job types its pilots take (none: any); with
 *                     {@code demand.source: dirac} only, pilotd's own task queue has no job types
 */
public record Matching(String vo, String platform, List<String> tags, List<String> requiredTags,
                       List<String> ownerGroups, Integer processors, Integer memoryMB, Long maxCpuTime,
                       List<String> jobTypes) {
    public static Matching any() {
        return new Matching(null, null, null, null, null, null, null, null);
    }

    public Matching(String vo, String platform, List<String> tags, List<String> requiredTags, List<String> ownerGroups,
                    Integer processors, Integer memoryMB, Long maxCpuTime) {
        this(vo, platform, tags, requiredTags, ownerGroups, processors, memoryMB, maxCpuTime, null);
    }

    public Matching {
        tags = tags == null ? List.of() : List.copyOf(tags);
        requiredTags = requiredTags == null ? List.of() : List.copyOf(requiredTags);
        ownerGroups = ownerGroups == null ? List.of() : List.copyOf(ownerGroups);
        processors = processors == null ? 1 : processors;
        jobTypes = jobTypes == null ? List.of() : List.copyOf(jobTypes);
    }
}
