package startos.container;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where and how {@link LxcBackend} keeps its containers.
 *
 * @param stateDir holds the LXC configs, overlays, image mounts and the address file (e.g. {@code
 *     <data-dir>/lxc}); it and its parents must be traversable by the mapped root (o+x)
 * @param bridge name of the bridge the containers' veths join; created when absent
 * @param subnet the bridge's own address and prefix; containers get the other addresses
 * @param nftTable name of our own {@code table ip} holding NAT and port forwards
 * @param cgroupPrefix names our cgroups {@code <prefix>.payload.<id>} and {@code
 *     <prefix>.monitor.<id>}, so leftovers of a crash can be found
 * @param cgroupRoot where the cgroup v1 hierarchies are mounted
 * @param lxcConfigDir LXC's shared configs ({@code common.conf}, {@code userns.conf}); included
 *     when present, for the seccomp profile and capability and device rules
 * @param idmapBase first host uid/gid the container's root maps to
 * @param idmapSize how many ids are mapped
 */
public record LxcSettings(
    Path stateDir,
    String bridge,
    Subnet subnet,
    String nftTable,
    String cgroupPrefix,
    Path cgroupRoot,
    Path lxcConfigDir,
    int idmapBase,
    int idmapSize) {
  private static final Pattern IFNAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_-]{0,14}");
  private static final Pattern TABLE = Pattern.compile("[a-z][a-z0-9_]{0,31}");
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9-]{0,15}");

  public LxcSettings {
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(subnet, "subnet");
    Objects.requireNonNull(cgroupRoot, "cgroupRoot");
    Objects.requireNonNull(lxcConfigDir, "lxcConfigDir");
    if (!stateDir.isAbsolute()) {
      throw new ContainerException("LXC state dir must be absolute, got '" + stateDir + "'");
    }
    if (bridge == null || !IFNAME.matcher(bridge).matches()) {
      throw new ContainerException(
          "bridge name '" + bridge + "' must be 1-15 letters, digits, '-' or '_'");
    }
    if (nftTable == null || !TABLE.matcher(nftTable).matches()) {
      throw new ContainerException("nft table name '" + nftTable + "' is not a valid identifier");
    }
    if (cgroupPrefix == null || !PREFIX.matcher(cgroupPrefix).matches()) {
      throw new ContainerException(
          "cgroup prefix '" + cgroupPrefix + "' must be 1-16 lowercase letters, digits or '-'");
    }
    if (idmapBase < 1 || idmapSize < 1) {
      throw new ContainerException("id map needs a positive base and size");
    }
  }

  /** Bridge {@code startbr0} at 10.209.0.1/24, table {@code ip startos}, ids from 100000. */
  public static LxcSettings defaults(Path stateDir) {
    return new LxcSettings(
        stateDir,
        "startbr0",
        Subnet.parse("10.209.0.1/24"),
        "startos",
        "startos",
        Path.of("/sys/fs/cgroup"),
        Path.of("/usr/share/lxc/config"),
        100_000,
        65_536);
  }

  public LxcSettings withNetwork(String bridgeName, Subnet newSubnet, String table) {
    return new LxcSettings(
        stateDir,
        bridgeName,
        newSubnet,
        table,
        cgroupPrefix,
        cgroupRoot,
        lxcConfigDir,
        idmapBase,
        idmapSize);
  }

  public LxcSettings withCgroups(String prefix, Path root) {
    return new LxcSettings(
        stateDir, bridge, subnet, nftTable, prefix, root, lxcConfigDir, idmapBase, idmapSize);
  }

  public LxcSettings withLxcConfigDir(Path dir) {
    return new LxcSettings(
        stateDir, bridge, subnet, nftTable, cgroupPrefix, cgroupRoot, dir, idmapBase, idmapSize);
  }

  /** The LXC path ({@code -P}): one directory per container, named after its id. */
  Path containersDir() {
    return stateDir.resolve("containers");
  }

  Path addressFile() {
    return stateDir.resolve("addresses.properties");
  }
}
