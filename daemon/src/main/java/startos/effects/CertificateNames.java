package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import startos.rpc.ErrorKind;
import startos.rpc.ProtocolException;
import startos.rpc.RpcException;

/**
 * The names one package may get a certificate and key for from the local CA, whose root users trust
 * in their browsers: exactly the names it is served on, as StartOS 0.4 lists them in its hosts.
 *
 * <ul>
 *   <li>{@code <id>.startos} and {@code <id>.embassy}, and its container address;
 *   <li>its hosts' public and private domains and their bindings' available addresses (the admin
 *       adds domains; the package cannot write them);
 *   <li>once it binds a port, the names that port is served on: the server's {@code
 *       <hostname>.local}, LAN addresses, bridge address and loopback (StartOS lists the same for
 *       every binding, from the gateways {@code lo}, {@code lxcbr0} and the LAN).
 * </ul>
 *
 * Nothing else: not another installed package's names (a leaf for them would carry this package's
 * key), not {@code localhost}, not a name it is not served on. The requested names come from the
 * package (untrusted) and are compared in {@link CertificateName}'s one spelling.
 */
final class CertificateNames {
  private static final List<String> INTERNAL_SUFFIXES = List.of(".startos", ".embassy");
  private static final List<String> LOOPBACK = List.of("127.0.0.1", "::1");

  /**
   * What the server is known as, the same for every package.
   *
   * @param hostname the server's hostname, served as {@code <hostname>.local} (may be blank)
   * @param bridgeIp the host's address on the containers' bridge
   * @param lanAddresses the host's LAN addresses
   */
  record Server(String hostname, String bridgeIp, Set<String> lanAddresses) {}

  private final String packageId;
  private final Set<String> own;
  private final boolean bindsPort;
  private final Set<String> servedOnBinding;
  private final Map<String, String> othersNames;

  private CertificateNames(
      String packageId,
      Set<String> own,
      boolean bindsPort,
      Set<String> servedOnBinding,
      Map<String, String> othersNames) {
    this.packageId = packageId;
    this.own = own;
    this.bindsPort = bindsPort;
    this.servedOnBinding = servedOnBinding;
    this.othersNames = othersNames;
  }

  /**
   * The name set of {@code packageId}.
   *
   * @param packageData {@code /public/packageData}: every installed package's entry
   * @param containerIp a package's container address, when it has one
   */
  static CertificateNames of(
      String packageId,
      JsonNode packageData,
      Server server,
      Function<String, Optional<String>> containerIp) {
    Set<String> served = new TreeSet<>();
    if (!server.hostname().isBlank()) {
      add(served, server.hostname() + ".local");
    }
    server.lanAddresses().forEach(a -> add(served, a));
    add(served, server.bridgeIp());
    LOOPBACK.forEach(a -> add(served, a));

    JsonNode entry = packageData.path(packageId);
    Set<String> own = namesOf(packageId, entry, containerIp);
    boolean bindsPort = bindsPort(entry);
    if (bindsPort) {
      own.addAll(served);
    }
    Map<String, String> others = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : packageData.properties()) {
      if (!e.getKey().equals(packageId)) {
        namesOf(e.getKey(), e.getValue(), containerIp).forEach(n -> others.put(n, e.getKey()));
      }
    }
    return new CertificateNames(packageId, own, bindsPort, served, others);
  }

  /**
   * The requested names in canonical spelling, duplicates dropped, when every one is the package's.
   *
   * @throws ProtocolException for a name that is no hostname or IP address
   * @throws RpcException (Not Found, as StartOS's "unknown hostname") for a name not the package's
   */
  List<String> check(List<String> requested) {
    Set<String> names = new LinkedHashSet<>();
    for (String raw : requested) {
      String name;
      try {
        name = CertificateName.canonical(raw);
      } catch (IllegalArgumentException e) {
        throw ProtocolException.invalidParams(e.getMessage());
      }
      if (!own.contains(name)) {
        throw new RpcException(
            ErrorKind.NOT_FOUND, "unknown hostname: " + raw + " " + whyNot(name));
      }
      names.add(name);
    }
    return new ArrayList<>(names);
  }

  /** The package's own names, in canonical spelling. */
  Set<String> own() {
    return Set.copyOf(own);
  }

  private String whyNot(String name) {
    String owner = othersNames.get(name);
    if (owner != null) {
      return "is a name of the package "
          + owner
          + ", not of "
          + packageId
          + ": a package gets certificates only for its own names";
    }
    if (!bindsPort && servedOnBinding.contains(name)) {
      return "is an address of the server that "
          + packageId
          + " is served on only once it binds a port, and it has bound none";
    }
    return "is not one of "
        + packageId
        + "'s names (its "
        + packageId
        + ".startos name, its container address, its hosts' domains and, once it binds a port, the"
        + " server's LAN names), so the local certificate authority will not sign it";
  }

  private static Set<String> namesOf(
      String id, JsonNode entry, Function<String, Optional<String>> containerIp) {
    Set<String> names = new TreeSet<>();
    INTERNAL_SUFFIXES.forEach(s -> add(names, id + s));
    containerIp.apply(id).ifPresent(ip -> add(names, ip));
    for (JsonNode h : entry.path("hosts")) {
      h.path("publicDomains").fieldNames().forEachRemaining(d -> add(names, d));
      h.path("privateDomains").fieldNames().forEachRemaining(d -> add(names, d));
      for (JsonNode b : h.path("bindings")) {
        for (JsonNode a : b.path("addresses").path("available")) {
          addAvailable(names, a.has("hostname") ? a.path("hostname") : a);
        }
      }
    }
    return names;
  }

  /** An available address: a plain hostname (0.4) or {@code {value, subdomain}} (0.3.6). */
  private static void addAvailable(Set<String> names, JsonNode hostname) {
    if (hostname.isTextual()) {
      add(names, hostname.asText());
    } else if (hostname.path("value").isTextual()) {
      String value = hostname.path("value").asText();
      add(names, value);
      if (hostname.path("subdomain").isTextual()) {
        add(names, hostname.path("subdomain").asText() + "." + value);
      }
    }
  }

  /** True when one of the entry's bindings holds a port the host forwards. */
  private static boolean bindsPort(JsonNode entry) {
    for (JsonNode h : entry.path("hosts")) {
      for (JsonNode b : h.path("bindings")) {
        JsonNode net = b.path("net");
        if (net.path("assignedPort").isInt() || net.path("assignedSslPort").isInt()) {
          return true;
        }
      }
    }
    return false;
  }

  private static void add(Set<String> names, String raw) {
    CertificateName.tryCanonical(raw).ifPresent(names::add);
  }
}
