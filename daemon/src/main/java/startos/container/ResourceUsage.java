package startos.container;

/**
 * What a running container uses now, read on the host from its cgroups and its host-side veth
 * (never from inside the container, whose files and namespaces the package controls).
 *
 * @param memoryBytes {@code memory.usage_in_bytes} of the container
 * @param memoryLimitBytes the memory limit in force ({@link Long#MAX_VALUE} when unlimited)
 * @param processes processes and threads in the container
 * @param cpuNanos CPU time used since start
 * @param monitorRssBytes resident memory of LXC's host-side monitor process (0 if not found)
 * @param netRxBytes bytes the container received on its network interface
 * @param netTxBytes bytes the container sent on its network interface
 * @param blockReadBytes bytes read from block devices ({@code blkio}, throttle accounting)
 * @param blockWriteBytes bytes written to block devices
 */
public record ResourceUsage(
    long memoryBytes,
    long memoryLimitBytes,
    long processes,
    long cpuNanos,
    long monitorRssBytes,
    long netRxBytes,
    long netTxBytes,
    long blockReadBytes,
    long blockWriteBytes) {
  /** Usage without network and block I/O figures (0), for backends that have none. */
  public ResourceUsage(
      long memoryBytes,
      long memoryLimitBytes,
      long processes,
      long cpuNanos,
      long monitorRssBytes) {
    this(memoryBytes, memoryLimitBytes, processes, cpuNanos, monitorRssBytes, 0, 0, 0, 0);
  }
}
