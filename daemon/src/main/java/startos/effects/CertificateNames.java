package startos.effects;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import startos.model.BindInfo;
import startos.model.Host;
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
   * @param hostsByPackage every installed package's hosts, by package id
   * @param containerIp a package's container address, when it has one
   */
  static CertificateNames of(
      String packageId,
      Map<String, Map<String, Host>> hostsByPackage,
      Server server,
      Function<String, Optional<String>> containerIp) {
    Set<String> served = new TreeSet<>();
    if (!server.hostname().isBlank()) {
      add(served, server.hostname() + ".local");
    }
    server.lanAddresses().forEach(a -> add(served, a));
    add(served, server.bridgeIp());
    LOOPBACK.forEach(a -> add(served, a));

    Map<String, Host> hosts = hostsByPackage.getOrDefault(packageId, Map.of());
    Set<String> own = namesOf(packageId, hosts, containerIp);
    boolean bindsPort = bindsPort(hosts);
    if (bindsPort) {
      own.addAll(served);
    }
    Map<String, String> others = new HashMap<>();
    for (Map.Entry<String, Map<String, Host>> e : hostsByPackage.entrySet()) {
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
      String id, Map<String, Host> hosts, Function<String, Optional<String>> containerIp) {
    Set<String> names = new TreeSet<>();
    INTERNAL_SUFFIXES.forEach(s -> add(names, id + s));
    containerIp.apply(id).ifPresent(ip -> add(names, ip));
    for (Host h : hosts.values()) {
      h.publicDomains().keySet().forEach(d -> add(names, d));
      h.privateDomains().keySet().forEach(d -> add(names, d));
      for (BindInfo b : h.bindings().values()) {
        b.addresses().availableNames().forEach(n -> add(names, n));
      }
    }
    return names;
  }

  /** True when one of the package's bindings holds a port the host forwards. */
  private static boolean bindsPort(Map<String, Host> hosts) {
    for (Host h : hosts.values()) {
      for (BindInfo b : h.bindings().values()) {
        if (b.net().assignedPort().isPresent() || b.net().assignedSslPort().isPresent()) {
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
