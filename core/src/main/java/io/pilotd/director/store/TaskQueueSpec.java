package io.pilotd.director.store;

import java.util.List;

/** The requirements shared by a group of waiting jobs, as DIRAC's TaskQueueDB keeps them. */
public record TaskQueueSpec(
        String vo,
        String ownerGroup,
        String owner,
        long cpuTime,
        int processors,
        int ramMB,
        double priority,
        List<String> sites,
        List<String> bannedSites,
        List<String> platforms,
        List<String> tags) {

    public TaskQueueSpec {
        sites = List.copyOf(sites);
        bannedSites = List.copyOf(bannedSites);
        platforms = List.copyOf(platforms);
        tags = List.copyOf(tags);
    }
}
