package startos.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads and changes the limits of a running container in its cgroup v1 control files: the same
 * values {@link LxcConfigFile} sets at start ({@code memory.limit_in_bytes}, {@code pids.max},
 * {@code cpu.shares}, {@code cpu.cfs_quota_us}). The files are the kernel's (cgroupfs has no
 * symlinks the package could plant); only the payload cgroup's own files are touched.
 */
final class CgroupLimits {
  /** What the kernel gives a cgroup without {@code cpu.shares}; we show it as "no setting". */
  static final int DEFAULT_CPU_SHARES = 1024;

  private final CgroupTree cgroups;

  CgroupLimits(CgroupTree cgroups) {
    this.cgroups = cgroups;
  }

  /** Writes every limit; the memory limit first, so a refusal there leaves all as they were. */
  void apply(String id, Limits limits) {
    write(id, "memory", "memory.limit_in_bytes", unlimitedAsMinusOne(limits.memoryBytes()));
    write(
        id, "pids", "pids.max", limits.maxPids() == 0 ? "max" : Integer.toString(limits.maxPids()));
    write(
        id,
        "cpu",
        "cpu.shares",
        Integer.toString(limits.cpuShares() == 0 ? DEFAULT_CPU_SHARES : limits.cpuShares()));
    if (limits.cpuMillis() > 0) {
      write(id, "cpu", "cpu.cfs_period_us", Integer.toString(Limits.CPU_PERIOD_MICROS));
    }
    write(
        id,
        "cpu",
        "cpu.cfs_quota_us",
        limits.cpuMillis() == 0
            ? "-1"
            : Long.toString((long) limits.cpuMillis() * Limits.CPU_PERIOD_MICROS / 1000));
  }

  /** The limits the kernel enforces now, in {@link Limits}' terms (0 = none). */
  Limits read(String id) {
    long memory = CgroupTree.readLong(file(id, "memory", "memory.limit_in_bytes"));
    long pids = CgroupTree.readLong(file(id, "pids", "pids.max"));
    long shares = CgroupTree.readLong(file(id, "cpu", "cpu.shares"));
    long quota = readSigned(file(id, "cpu", "cpu.cfs_quota_us"));
    long period = CgroupTree.readLong(file(id, "cpu", "cpu.cfs_period_us"));
    return new Limits(
        memory >= Long.MAX_VALUE / 2 ? 0 : memory,
        pids == Long.MAX_VALUE ? 0 : Math.toIntExact(pids),
        (int) shares,
        quota <= 0 ? 0 : Math.toIntExact(quota * 1000 / period));
  }

  private static String unlimitedAsMinusOne(long bytes) {
    return bytes == 0 ? "-1" : Long.toString(bytes);
  }

  private Path file(String id, String controller, String name) {
    Optional<Path> dir = cgroups.payload(controller, id);
    return dir.orElseThrow(() -> new ContainerException("container " + id + " is not running"))
        .resolve(name);
  }

  private void write(String id, String controller, String name, String value) {
    Path f = file(id, controller, name);
    try {
      Files.writeString(f, value, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ContainerException(
          "cannot set "
              + name
              + " of container "
              + id
              + " to "
              + value
              + (name.startsWith("memory.")
                  ? ": the kernel refused (is it below what the container uses now?)"
                  : ": " + e.getMessage()),
          e);
    }
  }

  private static long readSigned(Path f) {
    try {
      return Long.parseLong(Files.readString(f, StandardCharsets.US_ASCII).strip());
    } catch (IOException | NumberFormatException e) {
      throw new ContainerException("cannot read the cgroup value " + f, e);
    }
  }
}
