package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import startos.patchdb.PatchDb;
import startos.rpc.ErrorKind;
import startos.rpc.Params;
import startos.rpc.ProtocolException;
import startos.rpc.RpcException;

/**
 * {@code get-ssl-certificate} and {@code get-ssl-key}: leaves from the local CA, whose root users
 * trust in their browsers. The names come from the package (untrusted), so each is checked against
 * what the server knows the package to be, as StartOS does:
 *
 * <ul>
 *   <li>a key (and so a certificate the package can serve) only for the package's own names: its
 *       hosts' domains and available addresses, the server's {@code <hostname>.local} and LAN
 *       addresses (every package is served on them), its container address, and {@code
 *       <id>.startos}/{@code <id>.embassy};
 *   <li>a certificate alone (public data) also for other installed packages' names and for
 *       addresses on the container network.
 * </ul>
 *
 * Leaves and their keys are cached per package, so two packages asking for the same names never
 * share a private key. The CA carries no name constraints: private domains are whatever names the
 * admin chose, so the check at issue time is the only one that can hold.
 */
final class SslEffects {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final List<String> INTERNAL_SUFFIXES = List.of(".startos", ".embassy");

  private final PatchDb db;
  private final ServiceHost host;
  private final Watches watches;

  SslEffects(PatchDb db, ServiceHost host, Watches watches) {
    this.db = db;
    this.host = host;
    this.watches = watches;
  }

  void register(EffectTable t) {
    t.register(
        "get-ssl-certificate",
        c -> {
          List<String> names = hostnames(c);
          Set<String> allowed = ownNames(c.packageId());
          allowed.addAll(othersNames());
          requireAllowed(names, allowed, c.packageId(), true);
          ArrayNode chain = NODES.arrayNode();
          host.certificateChain(c.packageId(), names, algorithm(c)).forEach(chain::add);
          if (c.callback().isPresent()) {
            watches.watch(c.packageId(), c.callback().get(), () -> chain, chain);
          }
          return chain;
        });
    t.register(
        "get-ssl-key",
        c -> {
          List<String> names = hostnames(c);
          requireAllowed(names, ownNames(c.packageId()), c.packageId(), false);
          return NODES.textNode(host.certificateKey(c.packageId(), names, algorithm(c)));
        });
  }

  private void requireAllowed(
      List<String> names, Set<String> allowed, String packageId, boolean certificateOnly) {
    for (String name : names) {
      String n = normalize(name);
      if (allowed.contains(n) || (certificateOnly && onContainerNetwork(n))) {
        continue;
      }
      throw new RpcException(
          ErrorKind.NOT_FOUND,
          "unknown hostname: "
              + name
              + " is not an address of "
              + (certificateOnly ? "this server or its packages" : packageId)
              + ", so the local certificate authority will not "
              + (certificateOnly ? "sign it" : "issue a key for it"));
    }
  }

  /** What the package may hold a key for. */
  private Set<String> ownNames(String packageId) {
    Set<String> names = new TreeSet<>();
    JsonNode entry = db.get(PackageData.pointer(packageId)).orElse(NODES.objectNode());
    addHostNames(entry, names);
    INTERNAL_SUFFIXES.forEach(s -> names.add(packageId + s));
    host.containerIp(packageId).ifPresent(ip -> names.add(normalize(ip)));
    String hostname = db.get("/public/serverInfo/hostname").map(JsonNode::asText).orElse("");
    if (!hostname.isBlank()) {
      names.add(hostname.toLowerCase(Locale.ROOT) + ".local");
    }
    host.serverAddresses().forEach(a -> names.add(normalize(a)));
    return names;
  }

  /** Names of every installed package: certificates (not keys) for them are public anyway. */
  private Set<String> othersNames() {
    Set<String> names = new TreeSet<>();
    JsonNode all = db.get("/public/packageData").orElse(NODES.objectNode());
    for (Map.Entry<String, JsonNode> e : all.properties()) {
      addHostNames(e.getValue(), names);
      INTERNAL_SUFFIXES.forEach(s -> names.add(e.getKey() + s));
    }
    return names;
  }

  /** Domains and available addresses of the entry's hosts, as StartOS lists them. */
  private static void addHostNames(JsonNode entry, Set<String> into) {
    for (JsonNode h : entry.path("hosts")) {
      h.path("publicDomains").fieldNames().forEachRemaining(d -> into.add(normalize(d)));
      h.path("privateDomains").fieldNames().forEachRemaining(d -> into.add(normalize(d)));
      for (JsonNode b : h.path("bindings")) {
        for (JsonNode a : b.path("addresses").path("available")) {
          JsonNode hn = a.has("hostname") ? a.path("hostname") : a;
          if (hn.isTextual()) {
            into.add(normalize(hn.asText()));
          } else if (hn.path("value").isTextual()) {
            String value = hn.path("value").asText();
            into.add(normalize(value));
            if (hn.path("subdomain").isTextual()) {
              into.add(normalize(hn.path("subdomain").asText() + "." + value));
            }
          }
        }
      }
    }
  }

  /** The container network is a /24 around the server's bridge address, as in StartOS. */
  private boolean onContainerNetwork(String name) {
    String os = host.osIp();
    if (!IPV4.matcher(name).matches() || !IPV4.matcher(os).matches()) {
      return false;
    }
    return name.substring(0, name.lastIndexOf('.')).equals(os.substring(0, os.lastIndexOf('.')));
  }

  /** DNS names compare case-insensitively; IPv6 literals in their canonical form. */
  private static String normalize(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    if (n.contains(":") && n.matches("[0-9a-f:.]+")) {
      try {
        // a literal already checked to hold only address characters: no DNS lookup happens
        return InetAddress.getByName(n).getHostAddress();
      } catch (java.net.UnknownHostException e) {
        return n;
      }
    }
    return n;
  }

  private static List<String> hostnames(EffectCall c) {
    List<String> names = c.params().stringList("hostnames");
    if (names.isEmpty()) {
      throw ProtocolException.invalidParams("parameter 'hostnames' must not be empty");
    }
    if (names.size() > 64) {
      throw ProtocolException.invalidParams(
          "parameter 'hostnames' lists " + names.size() + " names; a certificate holds at most 64");
    }
    return names;
  }

  private static String algorithm(EffectCall c) {
    Params p = c.params();
    String a = p.optionalString("algorithm").orElse("ecdsa");
    if (!a.equals("ecdsa") && !a.equals("ed25519")) {
      throw ProtocolException.invalidParams(
          "parameter 'algorithm' must be \"ecdsa\" or \"ed25519\", got \"" + a + "\"");
    }
    return a;
  }
}
