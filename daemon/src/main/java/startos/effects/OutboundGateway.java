package startos.effects;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import startos.model.Database;
import startos.model.PackageDataEntry;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * The gateway (network interface name) a package's outbound traffic leaves through, resolved as
 * StartOS does: the package's own {@code outboundGateway}, else the server's {@code
 * serverInfo.network.defaultOutbound}, else the interface of the main routing table's default
 * route.
 */
final class OutboundGateway {
  /** The kernel's IPv4 main routing table: what {@code ip route show table main} prints. */
  static final Path ROUTES = Path.of("/proc/net/route");

  private final Database db;
  private final Path routes;

  OutboundGateway(Database db, Path routes) {
    this.db = db;
    this.routes = routes;
  }

  /** The gateway id for {@code packageId}; an error naming the problem when there is none. */
  String resolve(String packageId) {
    return db.packageEntry(packageId)
        .flatMap(PackageDataEntry::outboundGateway)
        .filter(s -> !s.isEmpty())
        .or(() -> db.serverInfo().network().defaultOutbound().filter(s -> !s.isEmpty()))
        .or(() -> defaultRouteInterface(routes))
        .orElseThrow(() ->
            new RpcException(
                ErrorKind.NETWORK,
                "no default route found in the main routing table (" + routes + ")"));
  }

  /**
   * The interface of the default route with the lowest metric in a {@code /proc/net/route} table
   * (columns Iface, Destination, Gateway, Flags, RefCnt, Use, Metric, Mask, ...), if any is up.
   */
  static Optional<String> defaultRouteInterface(Path table) {
    List<String> lines;
    try {
      lines = Files.readAllLines(table, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new RpcException(
          ErrorKind.NETWORK, "cannot read the routing table " + table + ": " + e.getMessage());
    }
    String best = null;
    long bestMetric = Long.MAX_VALUE;
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 8) {
        continue;
      }
      boolean up;
      long metric;
      try {
        up = (Integer.parseInt(f[3], 16) & 1) != 0;
        metric = Long.parseLong(f[6]);
      } catch (NumberFormatException e) {
        continue;
      }
      boolean isDefault = f[1].equals("00000000") && f[7].equals("00000000");
      if (isDefault && up && metric < bestMetric) {
        best = f[0];
        bestMetric = metric;
      }
    }
    return Optional.ofNullable(best);
  }
}
