package startos.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import startos.container.HostNamespace;

/**
 * How startd runs.
 *
 * @param dataDir where the database, auth cookie and packages live
 * @param host the address to listen on
 * @param port the TCP port (0 picks a free one)
 * @param webRoot a directory with the built web UI; empty serves the bundled page
 * @param continuationTtl how long a continuation guid stays valid unused (StartOS: 30 s)
 * @param runtimeImage the container runtime image (idmapped {@code rootfs.squashfs}); empty picks
 *     {@link #defaultRuntimeImage()}
 * @param serviceMemoryLimit bytes each service's container may use (0: uncapped); empty picks the
 *     machine's RAM minus a reserve for the host ({@code ServiceSettings.defaultMemoryLimit})
 * @param containers the machine-wide names of this startd's containers (bridge, subnet, nft table,
 *     cgroup prefix); a second startd on any of the same names is refused at start
 * @param claimWait how long startd waits for another startd on the same names to stop before it
 *     refuses to start (zero in production; the suite's daemons take turns)
 * @param maxSideloadSize the largest .s9pk a sideload may upload, in bytes (0: no cap); empty keeps
 *     {@code ServiceSettings.DEFAULT_MAX_SIDELOAD}
 * @param maxVolumeSize the size of each new install's own disk, in bytes (0: plain directories,
 *     uncapped); empty keeps {@code ServiceSettings.DEFAULT_MAX_VOLUME}
 */
public record Config(
    Path dataDir,
    String host,
    int port,
    Optional<Path> webRoot,
    Duration continuationTtl,
    Optional<Path> runtimeImage,
    Optional<Long> serviceMemoryLimit,
    HostNamespace containers,
    Duration claimWait,
    Optional<Long> maxSideloadSize,
    Optional<Long> maxVolumeSize) {
  public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/startos");
  public static final String DEFAULT_LISTEN = "127.0.0.1:8080";
  static final long MIN_SERVICE_MEMORY = 64L << 20;
  static final long MIN_VOLUME_SIZE = 16L << 20;

  public Config {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(webRoot, "webRoot");
    Objects.requireNonNull(continuationTtl, "continuationTtl");
    Objects.requireNonNull(runtimeImage, "runtimeImage");
    Objects.requireNonNull(serviceMemoryLimit, "serviceMemoryLimit");
    Objects.requireNonNull(containers, "containers");
    Objects.requireNonNull(claimWait, "claimWait");
    Objects.requireNonNull(maxSideloadSize, "maxSideloadSize");
    Objects.requireNonNull(maxVolumeSize, "maxVolumeSize");
    if (maxVolumeSize.isPresent()
        && maxVolumeSize.get() != 0
        && maxVolumeSize.get() < MIN_VOLUME_SIZE) {
      throw new ConfigException(
          "a volume size cap of %d bytes is too small for a package's disk (at least 16M, or none)"
              .formatted(maxVolumeSize.get()));
    }
    if (serviceMemoryLimit.isPresent()
        && serviceMemoryLimit.get() != 0
        && serviceMemoryLimit.get() < MIN_SERVICE_MEMORY) {
      throw new ConfigException(
          "a service memory limit of %d bytes is too small to run a container (at least 64M, or 0 for none)"
              .formatted(serviceMemoryLimit.get()));
    }
    if (port < 0 || port > 65535) {
      throw new ConfigException("port %d is out of range 0-65535".formatted(port));
    }
    if (continuationTtl.isNegative() || continuationTtl.isZero()) {
      throw new ConfigException("the continuation TTL must be positive");
    }
  }

  /** Defaults with the given data dir, listening on loopback. */
  public static Config of(Path dataDir, String listen) {
    Listen address = Listen.parse(listen);
    return new Config(
        dataDir,
        address.host(),
        address.port(),
        Optional.empty(),
        startos.http.Continuations.DEFAULT_TTL,
        Optional.empty(),
        Optional.empty(),
        HostNamespace.DEFAULT,
        Duration.ZERO,
        Optional.empty(),
        Optional.empty());
  }

  public Config withPort(int newPort) {
    return new Config(
        dataDir,
        host,
        newPort,
        webRoot,
        continuationTtl,
        runtimeImage,
        serviceMemoryLimit,
        containers,
        claimWait,
        maxSideloadSize,
        maxVolumeSize);
  }

  public Config withContinuationTtl(Duration ttl) {
    return new Config(
        dataDir,
        host,
        port,
        webRoot,
        ttl,
        runtimeImage,
        serviceMemoryLimit,
        containers,
        claimWait,
        maxSideloadSize,
        maxVolumeSize);
  }

  public Config withWebRoot(Optional<Path> root) {
    return new Config(
        dataDir,
        host,
        port,
        root,
        continuationTtl,
        runtimeImage,
        serviceMemoryLimit,
        containers,
        claimWait,
        maxSideloadSize,
        maxVolumeSize);
  }

  public Config withRuntimeImage(Optional<Path> image) {
    return new Config(
        dataDir,
        host,
        port,
        webRoot,
        continuationTtl,
        image,
        serviceMemoryLimit,
        containers,
        claimWait,
        maxSideloadSize,
        maxVolumeSize);
  }

  public Config withMaxSideloadSize(Optional<Long> bytes) {
    return new Config(
        dataDir,
        host,
        port,
        webRoot,
        continuationTtl,
        runtimeImage,
        serviceMemoryLimit,
        containers,
        claimWait,
        bytes,
        maxVolumeSize);
  }

  public Config withMaxVolumeSize(Optional<Long> bytes) {
    return new Config(
        dataDir,
        host,
        port,
        webRoot,
        continuationTtl,
        runtimeImage,
        serviceMemoryLimit,
        containers,
        claimWait,
        maxSideloadSize,
        bytes);
  }

  public Config withServiceMemoryLimit(Optional<Long> bytes) {
    return new Config(
        dataDir,
        host,
        port,
        webRoot,
        continuationTtl,
        runtimeImage,
        bytes,
        containers,
        claimWait,
        maxSideloadSize,
        maxVolumeSize);
  }

  public Config withContainers(HostNamespace ns) {
    return new Config(
        dataDir,
        host,
        port,
        webRoot,
        continuationTtl,
        runtimeImage,
        serviceMemoryLimit,
        ns,
        claimWait,
        maxSideloadSize,
        maxVolumeSize);
  }

  public Config withClaimWait(Duration wait) {
    return new Config(
        dataDir,
        host,
        port,
        webRoot,
        continuationTtl,
        runtimeImage,
        serviceMemoryLimit,
        containers,
        wait,
        maxSideloadSize,
        maxVolumeSize);
  }

  /**
   * A memory size as the config takes it: bytes, or a number with K, M, G or T (binary units, an
   * optional trailing {@code B} or {@code iB}); {@code 0} or {@code none} means uncapped.
   */
  public static long parseMemory(String text) {
    return parseSize(text, "memory size");
  }

  /** As {@link #parseMemory}, naming the setting as {@code what} in its error. */
  public static long parseSize(String text, String what) {
    String t = text.strip().toUpperCase(java.util.Locale.ROOT);
    if (t.equals("NONE")) {
      return 0;
    }
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+)\\s*([KMGT]?)(I?B)?").matcher(t);
    if (!m.matches()) {
      throw new ConfigException(
          "%s '%s' must be a number with an optional K, M, G or T, e.g. 2G, or 'none'"
              .formatted(what, text));
    }
    int shift =
        switch (m.group(2)) {
          case "K" -> 10;
          case "M" -> 20;
          case "G" -> 30;
          case "T" -> 40;
          default -> 0;
        };
    try {
      long n = Long.parseLong(m.group(1));
      if (n > (Long.MAX_VALUE >> shift)) {
        throw new NumberFormatException();
      }
      return n << shift;
    } catch (NumberFormatException e) {
      throw new ConfigException("%s '%s' is too large".formatted(what, text));
    }
  }

  /** The configured runtime image, else the one {@code ./run}/{@code ./test} build. */
  public Path effectiveRuntimeImage() {
    return runtimeImage.orElseGet(Config::defaultRuntimeImage);
  }

  /**
   * The image the checkout's setup builds ({@code $STARTOS_ROOT/container-runtime/build/image/
   * idmapped}), or the installed location when not run from a checkout.
   */
  public static Path defaultRuntimeImage() {
    String root = System.getenv("STARTOS_ROOT");
    Path base =
        root == null || root.isBlank()
            ? Path.of("/usr/lib/startos/container-runtime")
            : Path.of(root, "container-runtime", "build", "image", "idmapped");
    return base.resolve("rootfs.squashfs").toAbsolutePath();
  }

  /** A parsed {@code HOST:PORT}. */
  public record Listen(String host, int port) {
    /** Accepts {@code HOST:PORT}, {@code [IPV6]:PORT} and {@code :PORT} (all interfaces). */
    public static Listen parse(String text) {
      String s = text.trim();
      int colon = s.lastIndexOf(':');
      if (colon < 0) {
        throw new ConfigException(
            "listen address '%s' must be HOST:PORT, e.g. 127.0.0.1:8080".formatted(text));
      }
      String host = s.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      if (host.isEmpty()) {
        host = "0.0.0.0";
      }
      int port;
      try {
        port = Integer.parseInt(s.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new ConfigException(
            "listen address '%s' has no numeric port after ':'".formatted(text));
      }
      if (port < 0 || port > 65535) {
        throw new ConfigException(
            "listen address '%s': port %d is out of range 0-65535".formatted(text, port));
      }
      return new Listen(host, port);
    }
  }
}
