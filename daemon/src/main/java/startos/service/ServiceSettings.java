package startos.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import startos.container.IdRanges;

/**
 * How services run on this machine.
 *
 * @param dataDir startd's data dir: packages under {@code packages/}, logs under {@code logs/}
 * @param runtimeImage the container runtime's {@code rootfs.squashfs}, built idmapped (files owned
 *     by {@code containerRootUid})
 * @param arch the machine's architecture as S9PK names it ({@code x86_64}, {@code aarch64})
 * @param osIp the host's address on the container bridge (what {@code get-os-ip} answers)
 * @param containerRootUid host uid the runtime image and legacy installs are owned by (100000,
 *     LXC's default id map); each package's container runs in its own range ({@link #rootUid})
 * @param stopTimeout how long a container gets after SIGTERM before it is killed
 * @param memoryLimitBytes the memory cap of each service's container (cgroup {@code
 *     memory.limit_in_bytes}); 0 leaves memory uncapped
 * @param idRanges each package's own host id range
 * @param maxSideloadBytes the largest .s9pk a sideload may upload; 0 for no cap
 * @param maxVolumeBytes the size of the disk image each new install gets for everything it writes
 *     (volumes, subcontainer layers, its container's writable root); 0 for plain directories on the
 *     host's disk, uncapped
 */
public record ServiceSettings(
    Path dataDir,
    Path runtimeImage,
    String arch,
    String osIp,
    int containerRootUid,
    Duration stopTimeout,
    long memoryLimitBytes,
    IdRanges idRanges,
    long maxSideloadBytes,
    long maxVolumeBytes) {
  /**
   * The largest upload a sideload takes by default: real packages stay far below (their images are
   * compressed squashfs), and it stops one upload from filling the disk startd's data is on.
   */
  public static final long DEFAULT_MAX_SIDELOAD = 8L << 30;

  /**
   * The disk each package gets by default: a sparse image, so it takes on the host only what the
   * package writes (plus about 70 MiB of ext4 metadata); large enough for most services' data.
   */
  public static final long DEFAULT_MAX_VOLUME = 64L << 30;

  /** Below this an ext4 image has no room for a journal and a package's files. */
  public static final long MIN_MAX_VOLUME = 16L << 20;

  /** What the host keeps for itself at least: startd, the kernel, caches. */
  static final long MIN_HOST_RESERVE = 512L << 20;

  /** Below this a container cannot even run the runtime's node. */
  static final long MIN_MEMORY_LIMIT = 64L << 20;

  public ServiceSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(runtimeImage, "runtimeImage");
    if (!dataDir.isAbsolute() || !runtimeImage.isAbsolute()) {
      throw new IllegalArgumentException(
          "service data dir and runtime image must be absolute paths: "
              + dataDir
              + ", "
              + runtimeImage);
    }
    Objects.requireNonNull(arch, "arch");
    Objects.requireNonNull(osIp, "osIp");
    Objects.requireNonNull(idRanges, "idRanges");
    if (memoryLimitBytes != 0 && memoryLimitBytes < MIN_MEMORY_LIMIT) {
      throw new IllegalArgumentException(
          "a service memory limit of "
              + memoryLimitBytes
              + " bytes is too small to run the container runtime (at least 64 MiB, or 0 for none)");
    }
    if (maxVolumeBytes != 0 && maxVolumeBytes < MIN_MAX_VOLUME) {
      throw new IllegalArgumentException(
          "a volume size cap of "
              + maxVolumeBytes
              + " bytes is too small for a package's disk (at least 16 MiB, or 0 for none)");
    }
  }

  /**
   * Defaults: this JVM's arch, 10.209.0.1 (LxcSettings.defaults), uid 100000, a 30 s stop timeout,
   * a memory cap of the machine's RAM minus a reserve for the host ({@link #defaultMemoryLimit}),
   * and volumes in plain directories (startd gives each install its own disk: {@link
   * #withMaxVolumeBytes}).
   */
  public static ServiceSettings defaults(Path dataDir, Path runtimeImage) {
    return new ServiceSettings(
        dataDir,
        runtimeImage,
        machineArch(),
        "10.209.0.1",
        100_000,
        Duration.ofSeconds(30),
        defaultMemoryLimit(hostMemoryBytes()),
        IdRanges.open(dataDir.resolve("id-ranges.properties"), IdRanges.DEFAULT_BASE, 100_000),
        DEFAULT_MAX_SIDELOAD,
        0);
  }

  /**
   * The host uid (and gid) of {@code packageId}'s root: the first of its own range of {@value
   * IdRanges#SIZE} ids, allocated on first use and kept across restarts. Its other users are the
   * following ids; no other package and no real user shares any of them.
   */
  public int rootUid(String packageId) {
    return Math.toIntExact(idRanges.allocate(packageId));
  }

  public ServiceSettings withOsIp(String ip) {
    return new ServiceSettings(
        dataDir,
        runtimeImage,
        arch,
        ip,
        containerRootUid,
        stopTimeout,
        memoryLimitBytes,
        idRanges,
        maxSideloadBytes,
        maxVolumeBytes);
  }

  public ServiceSettings withStopTimeout(Duration timeout) {
    return new ServiceSettings(
        dataDir,
        runtimeImage,
        arch,
        osIp,
        containerRootUid,
        timeout,
        memoryLimitBytes,
        idRanges,
        maxSideloadBytes,
        maxVolumeBytes);
  }

  public ServiceSettings withMaxSideloadBytes(long bytes) {
    if (bytes < 0) {
      throw new IllegalArgumentException("a sideload size cap cannot be negative: " + bytes);
    }
    return new ServiceSettings(
        dataDir,
        runtimeImage,
        arch,
        osIp,
        containerRootUid,
        stopTimeout,
        memoryLimitBytes,
        idRanges,
        bytes,
        maxVolumeBytes);
  }

  /** Each new install's disk size ({@link #maxVolumeBytes}); 0 keeps plain directories. */
  public ServiceSettings withMaxVolumeBytes(long bytes) {
    return new ServiceSettings(
        dataDir,
        runtimeImage,
        arch,
        osIp,
        containerRootUid,
        stopTimeout,
        memoryLimitBytes,
        idRanges,
        maxSideloadBytes,
        bytes);
  }

  public ServiceSettings withMemoryLimitBytes(long bytes) {
    return new ServiceSettings(
        dataDir,
        runtimeImage,
        arch,
        osIp,
        containerRootUid,
        stopTimeout,
        bytes,
        idRanges,
        maxSideloadBytes,
        maxVolumeBytes);
  }

  /**
   * One service may use all RAM but a reserve for the host (a tenth, at least 512 MiB), so a
   * leaking package meets its own OOM killer instead of the host's; never less than half the RAM.
   * Rounded down to MiB. 0 (uncapped) when the RAM size is unknown.
   */
  public static long defaultMemoryLimit(long hostMemoryBytes) {
    if (hostMemoryBytes <= 0) {
      return 0;
    }
    long reserve = Math.max(MIN_HOST_RESERVE, hostMemoryBytes / 10);
    long limit = Math.max(hostMemoryBytes - reserve, hostMemoryBytes / 2);
    return Math.max(MIN_MEMORY_LIMIT, limit >> 20 << 20);
  }

  /** MemTotal of {@code /proc/meminfo} in bytes, 0 when it cannot be read. */
  static long hostMemoryBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("MemTotal:")) {
          String[] f = line.split("\\s+");
          return Long.parseLong(f[1]) * 1024;
        }
      }
    } catch (IOException | NumberFormatException | ArrayIndexOutOfBoundsException e) {
      return 0;
    }
    return 0;
  }

  public PackageLayout layout(String packageId) {
    return PackageLayout.of(dataDir, packageId);
  }

  /**
   * The host ids {@code packageId}'s container maps to (its root is the first): what a peer on one
   * of its sockets must run as.
   */
  public IdRange idRange(String packageId) {
    return new IdRange(rootUid(packageId), IdRanges.SIZE);
  }

  /** {@code count} host uids from {@code first}. */
  public record IdRange(long first, long count) {
    public IdRange {
      if (first < 0 || count < 1) {
        throw new IllegalArgumentException("bad id range " + first + "+" + count);
      }
    }

    public boolean contains(long uid) {
      return uid >= first && uid < first + count;
    }
  }

  public Path logsDir(String packageId) {
    return dataDir.resolve("logs").resolve(PackageLayout.checkId(packageId));
  }

  static String machineArch() {
    String a = System.getProperty("os.arch");
    return switch (a) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      case "riscv64" -> "riscv64";
      default -> a;
    };
  }
}
