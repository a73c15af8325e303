package startos.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How services run on this machine.
 *
 * @param dataDir startd's data dir: packages under {@code packages/}, logs under {@code logs/}
 * @param runtimeImage the container runtime's {@code rootfs.squashfs}, built idmapped (files owned
 *     by {@code containerRootUid})
 * @param arch the machine's architecture as S9PK names it ({@code x86_64}, {@code aarch64})
 * @param osIp the host's address on the container bridge (what {@code get-os-ip} answers)
 * @param containerRootUid host uid of the containers' root (100000 with LXC's id map)
 * @param stopTimeout how long a container gets after SIGTERM before it is killed
 * @param initTimeout how long a package's init may take
 */
public record ServiceSettings(
    Path dataDir,
    Path runtimeImage,
    String arch,
    String osIp,
    int containerRootUid,
    Duration stopTimeout,
    Duration initTimeout) {
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
  }

  /** Defaults: this JVM's arch, 10.209.0.1 (LxcSettings.defaults), uid 100000, 30 s, 10 min. */
  public static ServiceSettings defaults(Path dataDir, Path runtimeImage) {
    return new ServiceSettings(
        dataDir,
        runtimeImage,
        machineArch(),
        "10.209.0.1",
        100_000,
        Duration.ofSeconds(30),
        Duration.ofMinutes(10));
  }

  public ServiceSettings withOsIp(String ip) {
    return new ServiceSettings(
        dataDir, runtimeImage, arch, ip, containerRootUid, stopTimeout, initTimeout);
  }

  public ServiceSettings withStopTimeout(Duration timeout) {
    return new ServiceSettings(
        dataDir, runtimeImage, arch, osIp, containerRootUid, timeout, initTimeout);
  }

  public PackageLayout layout(String packageId) {
    return PackageLayout.of(dataDir, packageId);
  }

  public Path logsDir(String packageId) {
    return dataDir.resolve("logs").resolve(packageId);
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
