package startos.container;

import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host side of container networking: our bridge, IP forwarding, and the NAT table with the port
 * forwards. Set up lazily on first use and idempotently, so a daemon restart finds it as is.
 */
final class HostNetwork {
  private static final Pattern VETH = Pattern.compile("\\d+: (vst[0-9a-f]{8})[@:]");

  private final ProcessRunner runner;
  private final LxcSettings settings;
  private final NatTable nat;
  private final HostListeners listeners;
  private final List<PortForward> forwards = new ArrayList<>();
  private boolean up;

  HostNetwork(ProcessRunner runner, LxcSettings settings, HostListeners listeners) {
    this.runner = runner;
    this.settings = settings;
    this.listeners = listeners;
    this.nat = new NatTable(runner, settings.nftTable(), settings.bridge(), settings.subnet());
  }

  /** The host-side veth name of the container at {@code address}: unique per address. */
  static String vethName(Inet4Address address) {
    return String.format("vst%08x", Subnet.toInt(address));
  }

  /** Creates the bridge if absent, turns on forwarding and installs the NAT table. */
  synchronized void ensureUp() {
    if (up) {
      return;
    }
    String bridge = settings.bridge();
    if (!runner.run("ip", "link", "show", "dev", bridge).succeeded()) {
      runner
          .run("ip", "link", "add", bridge, "type", "bridge")
          .orThrow("cannot create the container bridge " + bridge);
    }
    String addresses = runner.run("ip", "-4", "-o", "addr", "show", "dev", bridge).stdout();
    if (!addresses.contains(" " + settings.subnet() + " ")) {
      runner
          .run("ip", "addr", "add", settings.subnet().toString(), "dev", bridge)
          .orThrow("cannot give bridge " + bridge + " the address " + settings.subnet());
    }
    runner.run("ip", "link", "set", bridge, "up").orThrow("cannot bring up bridge " + bridge);
    // route_localnet=0 (also on a bridge an older startd turned it on for): packets from a
    // container to 127.0.0.0/8 are martians, so host services bound to loopback stay the host's
    runner
        .run(
            "sysctl",
            "-q",
            "-w",
            "net.ipv4.ip_forward=1",
            "net.ipv4.conf." + bridge + ".route_localnet=0")
        .orThrow("cannot enable IPv4 forwarding for the containers");
    nat.apply(forwards);
    up = true;
  }

  synchronized void forward(PortForward forward) {
    if (!settings.subnet().contains(forward.containerIp())) {
      throw new ContainerException(
          "cannot forward "
              + forward
              + ": "
              + forward.containerIp().getHostAddress()
              + " is not a container address in "
              + settings.subnet().networkCidr());
    }
    for (PortForward f : forwards) {
      if (f.equals(forward)) {
        return;
      }
      if (f.protocol() == forward.protocol() && f.hostPort() == forward.hostPort()) {
        throw new ContainerException(
            "cannot forward " + forward + ": host port is already forwarded (" + f + ")");
      }
    }
    // a forward would shadow the host service on that port for every LAN client
    if (listeners.inUse(forward.hostPort())) {
      throw new ContainerException(
          "cannot forward "
              + forward
              + ": port "
              + forward.hostPort()
              + " belongs to a service of the host that listens on it");
    }
    ensureUp();
    List<PortForward> next = new ArrayList<>(forwards);
    next.add(forward);
    nat.apply(next);
    forwards.add(forward);
  }

  synchronized void unforward(PortForward forward) {
    if (forwards.contains(forward)) {
      List<PortForward> next = new ArrayList<>(forwards);
      next.remove(forward);
      nat.apply(next);
      forwards.remove(forward);
    }
  }

  /** Removes every forward to {@code address}, e.g. when its container is destroyed. */
  synchronized void unforwardAllTo(Inet4Address address) {
    List<PortForward> next =
        forwards.stream().filter(f -> !f.containerIp().equals(address)).toList();
    if (next.size() != forwards.size()) {
      nat.apply(next);
      forwards.clear();
      forwards.addAll(next);
    }
  }

  synchronized List<PortForward> forwards() {
    return List.copyOf(forwards);
  }

  /** Deletes the container's veth if LXC left it behind. */
  void deleteVeth(Inet4Address address) {
    String name = vethName(address);
    if (Files.exists(Path.of("/sys/class/net", name))) {
      runner.run("ip", "link", "del", name).orThrow("cannot delete veth " + name);
    }
  }

  /** Removes the NAT table, our veths in this subnet and the bridge. */
  synchronized void tearDown() {
    nat.delete();
    forwards.clear();
    Matcher m = VETH.matcher(runner.run("ip", "-o", "link", "show").stdout());
    while (m.find()) {
      String name = m.group(1);
      int value = Integer.parseUnsignedInt(name.substring(3), 16);
      if (settings.subnet().contains(Subnet.fromInt(value))) {
        runner.run("ip", "link", "del", name).orThrow("cannot delete veth " + name);
      }
    }
    if (runner.run("ip", "link", "show", "dev", settings.bridge()).succeeded()) {
      runner
          .run("ip", "link", "del", settings.bridge())
          .orThrow("cannot delete bridge " + settings.bridge());
    }
    up = false;
  }
}
