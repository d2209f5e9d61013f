package io.pilotd.director.config;

import io.pilotd.driver.api.PilotSize;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * @param maxCpuTime   the longest CPU time a job may ask for, in seconds (none: any; required with
 *                     {@code demand.source: dirac}, as DIRAC's matching requires a CPUTime)
 * @param jobTypes     DIRAC's JobType: the job types its pilots take (none: any); with
 *                     {@code demand.source: dirac} only, pilotd's own task queue has no job types
 * @param os           DIRAC's CE option OS, for a queue without a platform: its platform is then
 *                     derived from {@code <architecture>_<os>} by DIRAC's OS compatibility
 *                     ({@link #diracPlatform})
 * @param architecture DIRAC's CE option architecture, with {@code os} (default x86_64)
 */
public record Matching(String vo, String platform, List<String> tags, List<String> requiredTags,
                       List<String> ownerGroups, Integer processors, Integer memoryMB, Long maxCpuTime,
                       List<String> jobTypes, String os, String architecture) {
    /** DIRAC's tags derived from a size: {@code <n>Processors}, {@code <n>GB}. */
    private static final Pattern SIZED = Pattern.compile("(\\d{1,4})(Processors|GB)", Pattern.CASE_INSENSITIVE);

    public static Matching any() {
        return new Matching(null, null, null, null, null, null, null, null);
    }

    public Matching(String vo, String platform, List<String> tags, List<String> requiredTags, List<String> ownerGroups,
                    Integer processors, Integer memoryMB, Long maxCpuTime) {
        this(vo, platform, tags, requiredTags, ownerGroups, processors, memoryMB, maxCpuTime, null);
    }

    public Matching(String vo, String platform, List<String> tags, List<String> requiredTags, List<String> ownerGroups,
                    Integer processors, Integer memoryMB, Long maxCpuTime, List<String> jobTypes) {
        this(vo, platform, tags, requiredTags, ownerGroups, processors, memoryMB, maxCpuTime, jobTypes, null, null);
    }

    public Matching {
        tags = tags == null ? List.of() : List.copyOf(tags);
        requiredTags = requiredTags == null ? List.of() : List.copyOf(requiredTags);
        ownerGroups = ownerGroups == null ? List.of() : List.copyOf(ownerGroups);
        processors = processors == null ? 1 : processors;
        jobTypes = jobTypes == null ? List.of() : List.copyOf(jobTypes);
        architecture = os != null && architecture == null ? "x86_64" : architecture;
    }

    /** Each pilot's size, for the drivers that size what they start (the validator refuses a wrong one). */
    public PilotSize pilotSize() {
        return new PilotSize(Math.max(1, processors), memoryMB == null ? 0 : Math.max(0, memoryMB));
    }

    /**
     * The platform the queue offers, as DIRAC sets a queue's Platform
     * (src/DIRAC/WorkloadManagementSystem/Utilities/QueueUtilities.py, setPlatform, lines 112-124):
     * its own platform as it is; else, with an OS, {@code <architecture>_<os>} resolved through the
     * OS compatibility to the highest DIRAC platform compatible with it, or kept as it is when none
     * is; else none.
     *
     * @param osCompatibility {@code dirac.osCompatibility}: each DIRAC platform and its OSes
     */
    public String diracPlatform(Map<String, List<String>> osCompatibility) {
        if (platform != null || os == null) {
            return platform;
        }
        String derived = architecture + "_" + os;
        List<String> compatible = OsCompatibility.platformsFor(derived, osCompatibility);
        return compatible.isEmpty() ? derived : compatible.get(0);
    }

    /**
     * Whether the queue offers this tag in DIRAC's matching, whose tags ignore case: one of its
     * own, or one DIRAC derives from its size (Matcher._processResourceDescription: MultiProcessor
     * above one processor, 2..n Processors, 2..int(memoryMB / 1000) GB, each up to 1024). The
     * view dirac_queue_task_queue_match (V16) derives the same.
     */
    public boolean offers(String tag) {
        String folded = tag.toLowerCase(Locale.ROOT);
        if (tags.stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).equals(folded))) {
            return true;
        }
        if (folded.equals("multiprocessor")) {
            return processors > 1;
        }
        Matcher sized = SIZED.matcher(tag);
        if (!sized.matches()) {
            return false;
        }
        int n = Integer.parseInt(sized.group(1));
        int most = sized.group(2).equalsIgnoreCase("GB") ? (memoryMB == null ? 0 : memoryMB / 1000) : processors;
        return n >= 2 && n <= most && most <= 1024;
    }
}
