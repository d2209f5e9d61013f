package io.pilotd.director.config;

import java.util.List;

/**
 * How a VM pilot mounts CVMFS: written to its {@code /etc/cvmfs/default.local}.
 *
 * @param repositories CVMFS_REPOSITORIES
 * @param httpProxy    CVMFS_HTTP_PROXY (default DIRECT: no site squid)
 * @param quotaLimitMB CVMFS_QUOTA_LIMIT, the local cache's size
 */
public record CvmfsSettings(List<String> repositories, String httpProxy, Integer quotaLimitMB) {
    public CvmfsSettings {
        repositories = repositories == null ? List.of() : List.copyOf(repositories);
    }

    /** The {@code default.local} these settings make. */
    public String defaultLocal() {
        StringBuilder file = new StringBuilder("# Written by pilotd\n");
        file.append("CVMFS_REPOSITORIES=").append(String.join(",", repositories)).append('\n');
        file.append("CVMFS_HTTP_PROXY='").append(httpProxy == null ? "DIRECT" : httpProxy).append("'\n");
        if (quotaLimitMB != null) {
            file.append("CVMFS_QUOTA_LIMIT=").append(quotaLimitMB).append('\n');
        }
        return file.toString();
    }
}
