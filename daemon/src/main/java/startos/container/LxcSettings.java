package startos.container;

import java.nio.file.Path;
import java.util.Objects;

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
  public LxcSettings {
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(cgroupRoot, "cgroupRoot");
    Objects.requireNonNull(lxcConfigDir, "lxcConfigDir");
    if (!stateDir.isAbsolute()) {
      throw new ContainerException("LXC state dir must be absolute, got '" + stateDir + "'");
    }
    new HostNamespace(bridge, subnet, nftTable, cgroupPrefix); // validates the names
    if (idmapBase < 1 || idmapSize < 1) {
      throw new ContainerException("id map needs a positive base and size");
    }
  }

  /** {@link HostNamespace#DEFAULT}, ids from 100000. */
  public static LxcSettings defaults(Path stateDir) {
    HostNamespace ns = HostNamespace.DEFAULT;
    return new LxcSettings(
        stateDir,
        ns.bridge(),
        ns.subnet(),
        ns.nftTable(),
        ns.cgroupPrefix(),
        Path.of("/sys/fs/cgroup"),
        Path.of("/usr/share/lxc/config"),
        100_000,
        65_536);
  }

  /** The machine-wide names these settings claim. */
  public HostNamespace namespace() {
    return new HostNamespace(bridge, subnet, nftTable, cgroupPrefix);
  }

  public LxcSettings withNamespace(HostNamespace ns) {
    return new LxcSettings(
        stateDir,
        ns.bridge(),
        ns.subnet(),
        ns.nftTable(),
        ns.cgroupPrefix(),
        cgroupRoot,
        lxcConfigDir,
        idmapBase,
        idmapSize);
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
