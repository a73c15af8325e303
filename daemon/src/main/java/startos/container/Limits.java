package startos.container;

/**
 * Resource limits of one container, applied through cgroup v1. Zero means "no limit" for each.
 *
 * @param memoryBytes hard memory limit ({@code memory.limit_in_bytes})
 * @param maxPids most processes and threads at once ({@code pids.max})
 * @param cpuShares relative CPU weight ({@code cpu.shares}, 2..262144; the kernel default is 1024)
 * @param cpuMillis CPU time per wall second in thousandths of a core (1000 = one full core)
 */
public record Limits(long memoryBytes, int maxPids, int cpuShares, int cpuMillis) {
  /** No limits at all. */
  public static final Limits NONE = new Limits(0, 0, 0, 0);

  /** The CFS period the quota is expressed against, in microseconds. */
  static final int CPU_PERIOD_MICROS = 100_000;

  public Limits {
    if (memoryBytes < 0 || maxPids < 0 || cpuShares < 0 || cpuMillis < 0) {
      throw new ContainerException(
          "limits must not be negative (0 means unlimited): memory="
              + memoryBytes
              + " pids="
              + maxPids
              + " cpuShares="
              + cpuShares
              + " cpuMillis="
              + cpuMillis);
    }
    if (memoryBytes > 0 && memoryBytes < 4L << 20) {
      throw new ContainerException(
          "memory limit of "
              + memoryBytes
              + " bytes is too small to start a container (min 4 MiB)");
    }
    if (cpuShares == 1 || cpuShares > 262_144) {
      throw new ContainerException("cpu shares must be between 2 and 262144, got " + cpuShares);
    }
    if (cpuMillis > 0 && cpuMillis < 10) {
      throw new ContainerException("cpu quota must be at least 10 millicores, got " + cpuMillis);
    }
  }

  public Limits withMemoryBytes(long bytes) {
    return new Limits(bytes, maxPids, cpuShares, cpuMillis);
  }

  public Limits withMaxPids(int pids) {
    return new Limits(memoryBytes, pids, cpuShares, cpuMillis);
  }

  public Limits withCpuShares(int shares) {
    return new Limits(memoryBytes, maxPids, shares, cpuMillis);
  }

  public Limits withCpuMillis(int millis) {
    return new Limits(memoryBytes, maxPids, cpuShares, millis);
  }
}
