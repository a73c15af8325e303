package startos.container;

import java.util.ArrayList;
import java.util.List;

/**
 * Our own nftables table: masquerade for the container subnet, one DNAT rule per port forward, and
 * a guard that keeps containers off the host's loopback. The whole table is replaced in one atomic
 * {@code nft -f} on every change, so it never holds a half-applied state and never touches anyone
 * else's rules.
 *
 * <p>Forwards apply to traffic addressed to one of the host's own non-loopback addresses (its LAN
 * address, the bridge address), arriving from outside or made on the host. They never apply to
 * {@code 127.0.0.0/8}: a local process that connects to {@code 127.0.0.1:<port>} always reaches
 * whatever listens there on the host (startd and its local CLI cookie, a database bound to
 * loopback), never a package. StartOS's forwards likewise match the gateways' addresses only.
 */
final class NatTable {
  private final ProcessRunner runner;
  private final String table;
  private final String bridge;
  private final Subnet subnet;

  NatTable(ProcessRunner runner, String table, String bridge, Subnet subnet) {
    this.runner = runner;
    this.table = table;
    this.bridge = bridge;
    this.subnet = subnet;
  }

  /** Replaces the table with one holding exactly {@code forwards}. */
  void apply(List<PortForward> forwards) {
    runner
        .run(List.of("nft", "-f", "-"), script(forwards), ProcessRunner.DEFAULT_TIMEOUT)
        .orThrow("cannot apply the nftables rules of table ip " + table);
  }

  /** Deletes the table if it exists. */
  void delete() {
    ProcessResult r = runner.run("nft", "delete", "table", "ip", table);
    if (!r.succeeded() && !r.stderr().contains("No such file or directory")) {
      r.orThrow("cannot delete nftables table ip " + table);
    }
  }

  /** The {@code nft -f} script that creates (or atomically replaces) the table. */
  String script(List<PortForward> forwards) {
    String net = subnet.networkCidr();
    List<String> dnat = new ArrayList<>();
    for (PortForward f : forwards) {
      // only traffic addressed to the host itself (a container's own outbound traffic to some
      // other machine's port of the same number must not be captured), and never to loopback
      dnat.add(
          "    ip daddr != 127.0.0.0/8 fib daddr type local "
              + f.protocol().nftName()
              + " dport "
              + f.hostPort()
              + " dnat to "
              + f.containerIp().getHostAddress()
              + ":"
              + f.containerPort());
    }
    StringBuilder s = new StringBuilder();
    // declaring then deleting makes the delete succeed whether or not the table existed
    s.append("table ip ").append(table).append('\n');
    s.append("delete table ip ").append(table).append('\n');
    s.append("table ip ").append(table).append(" {\n");
    s.append("  chain prerouting {\n");
    s.append("    type nat hook prerouting priority dstnat; policy accept;\n");
    dnat.forEach(r -> s.append("    iifname != \"lo\"").append(r.substring(3)).append('\n'));
    s.append("  }\n");
    s.append("  chain output {\n");
    s.append("    type nat hook output priority -100; policy accept;\n");
    dnat.forEach(r -> s.append(r).append('\n'));
    s.append("  }\n");
    s.append("  chain postrouting {\n");
    s.append("    type nat hook postrouting priority srcnat; policy accept;\n");
    s.append("    ip saddr ").append(net).append(" ip daddr != ").append(net);
    s.append(" masquerade\n");
    // one container reaching another through a host port: force replies back through the host
    s.append("    ip saddr ").append(net).append(" ip daddr ").append(net);
    s.append(" ct status dnat masquerade\n");
    s.append("  }\n");
    // a container that routes 127.0.0.1 to its gateway (it is root in its own network namespace)
    // must not reach services the host binds to loopback; route_localnet stays 0 on the bridge, so
    // the kernel drops these too: this rule holds even if someone turns it on
    s.append("  chain loopback_guard {\n");
    s.append("    type filter hook prerouting priority raw; policy accept;\n");
    s.append("    iifname \"").append(bridge).append("\" ip daddr 127.0.0.0/8 drop\n");
    s.append("    iifname \"").append(bridge).append("\" ip saddr 127.0.0.0/8 drop\n");
    s.append("  }\n");
    s.append("}\n");
    return s.toString();
  }
}
