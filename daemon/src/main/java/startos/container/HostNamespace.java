package startos.container;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The machine-wide names one startd's containers live under: its bridge, subnet, nftables table and
 * cgroup prefix. Two startds on one machine must not share any of them, since each removes
 * everything under its names at start ({@link LxcBackend#cleanupAll}); {@link HostClaim} enforces
 * that. The suite's daemons use their own namespace so a test never disturbs a running startd.
 *
 * @param bridge name of the bridge the containers' veths join
 * @param subnet the bridge's own address and prefix; containers get the other addresses
 * @param nftTable name of our own {@code table ip} holding NAT and port forwards
 * @param cgroupPrefix names our cgroups {@code <prefix>.payload.<id>} and {@code
 *     <prefix>.monitor.<id>}
 */
public record HostNamespace(String bridge, Subnet subnet, String nftTable, String cgroupPrefix) {
  private static final Pattern IFNAME = Pattern.compile("[a-zA-Z][a-zA-Z0-9_-]{0,14}");
  private static final Pattern TABLE = Pattern.compile("[a-z][a-z0-9_]{0,31}");
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9-]{0,15}");

  /**
   * Bridge {@code startbr0} at 10.209.0.1/24, table {@code ip startos}, cgroups {@code startos}.
   */
  public static final HostNamespace DEFAULT =
      new HostNamespace("startbr0", Subnet.parse("10.209.0.1/24"), "startos", "startos");

  public HostNamespace {
    Objects.requireNonNull(subnet, "subnet");
    if (bridge == null || !IFNAME.matcher(bridge).matches()) {
      throw new ContainerException(
          "bridge name '" + bridge + "' must be 1-15 letters, digits, '-' or '_'");
    }
    if (nftTable == null || !TABLE.matcher(nftTable).matches()) {
      throw new ContainerException(
          "nft table name '"
              + nftTable
              + "' must be 1-32 lowercase letters, digits or '_', starting with a letter");
    }
    if (cgroupPrefix == null || !PREFIX.matcher(cgroupPrefix).matches()) {
      throw new ContainerException(
          "cgroup prefix '" + cgroupPrefix + "' must be 1-16 lowercase letters, digits or '-'");
    }
  }

  public HostNamespace withBridge(String name) {
    return new HostNamespace(name, subnet, nftTable, cgroupPrefix);
  }

  public HostNamespace withSubnet(Subnet net) {
    return new HostNamespace(bridge, net, nftTable, cgroupPrefix);
  }

  public HostNamespace withNftTable(String table) {
    return new HostNamespace(bridge, subnet, table, cgroupPrefix);
  }

  public HostNamespace withCgroupPrefix(String prefix) {
    return new HostNamespace(bridge, subnet, nftTable, prefix);
  }

  @Override
  public String toString() {
    return "bridge "
        + bridge
        + " ("
        + subnet
        + "), nft table ip "
        + nftTable
        + ", cgroups "
        + cgroupPrefix
        + ".*";
  }
}
