package io.pilotd.director.demand;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * DIRAC's matching, transcribed from DIRAC's source rather than from pilotd's SQL: which task
 * queues the CE description of a queue matches. The rules are those of
 * WorkloadManagementSystem/Client/Matcher.py (_processResourceDescription: the resource's tags) and
 * WorkloadManagementSystem/DB/TaskQueueDB.py (__generateTQMatchSQL, __generateTagSQLSubCond,
 * __generateRequiredTagSQLSubCond: the conditions on each task queue), each compared as MySQL
 * compares in DIRAC's latin1 case-insensitive tables.
 */
final class DiracMatcherOracle {
    /** A CE description: what a DIRAC pilot of the queue would send the Matcher. */
    record Ce(String name, String site, String gridCe, String platform, List<String> jobTypes, List<String> tags,
              List<String> requiredTags, int processors, Integer maxRam, long cpuTime, List<String> ownerGroups, String vo) {
    }

    /** A task queue as DIRAC's TaskQueueDB holds it: tq_TaskQueues and its tq_TQTo* lists. */
    record Tq(long id, String ownerGroup, String vo, long cpuTime, boolean enabled, Map<String, List<String>> lists) {
        List<String> list(String name) {
            return lists.getOrDefault(name, List.of());
        }
    }

    private DiracMatcherOracle() {
    }

    /** The ids of the task queues the description matches. */
    static Set<Long> match(Ce ce, List<Tq> tqs) {
        Set<String> tags = resourceTags(ce);
        Set<Long> matched = new TreeSet<>();
        for (Tq tq : tqs) {
            if (matches(ce, tags, tq)) {
                matched.add(tq.id());
            }
        }
        return matched;
    }

    /**
     * Matcher._processResourceDescription: the description's Tag, then "%d%s" % (n, "GB") for n in
     * range(2, int(MaxRAM / 1000) + 1) and "%dProcessors" for n in range(2, NumberOfProcessors + 1),
     * each only when the bound is at most 1024; MultiProcessor when NumberOfProcessors > 1.
     */
    static Set<String> resourceTags(Ce ce) {
        Set<String> tags = new LinkedHashSet<>(ce.tags());
        Integer maxRam = ce.maxRam() == null ? null : ce.maxRam() / 1000;
        if (maxRam != null && maxRam != 0 && maxRam <= 1024) {
            for (int n = 2; n <= maxRam; n++) {
                tags.add(n + "GB");
            }
        }
        if (ce.processors() != 0 && ce.processors() <= 1024) {
            for (int n = 2; n <= ce.processors(); n++) {
                tags.add(n + "Processors");
            }
        }
        if (ce.processors() > 1) {
            tags.add("MultiProcessor");
        }
        return tags;
    }

    private static boolean matches(Ce ce, Set<String> tags, Tq tq) {
        // __generateTQMatchSQL: no condition on Enabled.
        // OwnerGroup (a generic pilot's: the groups of its VO): tq.OwnerGroup = g OR ...
        if (!ce.ownerGroups().isEmpty() && ce.ownerGroups().stream().noneMatch(g -> same(g, tq.ownerGroup()))) {
            return false;
        }
        if (ce.vo() != null && !same(ce.vo(), tq.vo())) {
            return false;
        }
        // CPUTime, a mandatory match field: tq.CPUTime <= %s
        if (tq.cpuTime() > ce.cpuTime()) {
            return false;
        }
        // multiValueMatchFields other than Tag: skipped when the resource has no value or 'any';
        // else "( SELECT COUNT(...) ) = 0 OR value IN ( SELECT Value ... )"
        if (!multiValue(List.of(ce.site()), tq.list("Sites"))
                || !multiValue(List.of(ce.gridCe()), tq.list("GridCEs"))
                || !multiValue(ce.platform() == null ? List.of() : List.of(ce.platform()), tq.list("Platforms"))
                || !multiValue(ce.jobTypes(), tq.list("JobTypes"))) {
            return false;
        }
        // bannedJobMatchFields (Site): "value not in ( SELECT Value FROM tq_TQToBannedSites ... )"
        if (contains(tq.list("BannedSites"), ce.site())) {
            return false;
        }
        // Tag: skipped when the resource has 'any'; else __generateTagSQLSubCond: the count of the
        // task queue's tags equals the count of those IN the resource's tags
        if (tags.stream().noneMatch(DiracMatcherOracle::isAny)
                && !tq.list("Tags").stream().allMatch(t -> contains(new ArrayList<>(tags), t))) {
            return false;
        }
        // RequiredTag: skipped when none or 'any'; (a required tag the resource does not carry is
        // 'Wrong conditions': no match at all); else __generateRequiredTagSQLSubCond: every required
        // tag is among the task queue's
        List<String> required = ce.requiredTags();
        if (!required.isEmpty() && required.stream().noneMatch(DiracMatcherOracle::isAny)) {
            if (!required.stream().allMatch(r -> contains(new ArrayList<>(tags), r))) {
                return false;
            }
            return required.stream().allMatch(r -> contains(tq.list("Tags"), r));
        }
        return true;
    }

    private static boolean multiValue(List<String> resource, List<String> tqList) {
        if (resource.isEmpty() || resource.stream().anyMatch(DiracMatcherOracle::isAny)) {
            return true;
        }
        return tqList.isEmpty() || resource.stream().anyMatch(v -> contains(tqList, v));
    }

    /** TaskQueueDB._lowerAndRemovePunctuation(value) == 'any'. */
    private static boolean isAny(String value) {
        return value.toLowerCase(Locale.ROOT).replaceAll("\\p{Punct}", "").equals("any");
    }

    private static boolean contains(List<String> values, String value) {
        return values.stream().anyMatch(v -> same(v, value));
    }

    /** MySQL's comparison in a latin1 case-insensitive collation, for the ASCII values DIRAC's fields hold. */
    private static boolean same(String a, String b) {
        return a.equalsIgnoreCase(b);
    }
}
