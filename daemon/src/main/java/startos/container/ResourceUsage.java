package startos.container;

/**
 * What a running container uses now, read from its cgroups.
 *
 * @param memoryBytes {@code memory.usage_in_bytes} of the container
 * @param memoryLimitBytes the memory limit in force ({@link Long#MAX_VALUE} when unlimited)
 * @param processes processes and threads in the container
 * @param cpuNanos CPU time used since start
 * @param monitorRssBytes resident memory of LXC's host-side monitor process (0 if not found)
 */
public record ResourceUsage(
    long memoryBytes, long memoryLimitBytes, long processes, long cpuNanos, long monitorRssBytes) {}
