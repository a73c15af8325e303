package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import startos.patchdb.PatchDb;
import startos.rpc.Params;
import startos.rpc.ProtocolException;

/**
 * {@code get-ssl-certificate} and {@code get-ssl-key}: leaves from the local CA, whose root users
 * trust in their browsers. The names come from the package (untrusted), so each is checked against
 * the names the package is served on ({@link CertificateNames}) before anything is signed; the
 * certificate and the key answer for the same names, as a package serves both.
 *
 * <p>Leaves and their keys are cached per package, so two packages asking for the same names never
 * share a private key. The CA carries no name constraints (see ARCHITECTURE.md, "Trust
 * boundaries"): the check at issue time is the control.
 */
final class SslEffects {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

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
          List<String> names = ownNames(c);
          ArrayNode chain = NODES.arrayNode();
          host.certificateChain(c.packageId(), names, algorithm(c)).forEach(chain::add);
          if (c.callback().isPresent()) {
            watches.watch(c.packageId(), c.callback().get(), () -> chain, chain);
          }
          return chain;
        });
    t.register(
        "get-ssl-key",
        c -> NODES.textNode(host.certificateKey(c.packageId(), ownNames(c), algorithm(c))));
  }

  /** The requested names in canonical spelling, or a refusal naming the first foreign one. */
  private List<String> ownNames(EffectCall c) {
    List<String> requested = hostnames(c);
    CertificateNames.Server server =
        new CertificateNames.Server(
            db.get("/public/serverInfo/hostname").map(JsonNode::asText).orElse(""),
            host.osIp(),
            host.serverAddresses());
    return CertificateNames.of(
            c.packageId(),
            db.get("/public/packageData").orElse(NODES.objectNode()),
            server,
            host::containerIp)
        .check(requested);
  }

  private static List<String> hostnames(EffectCall c) {
    // an empty list is allowed, as in StartOS: packages ask for a leaf naming nothing to read the
    // root certificate from its chain
    List<String> names = c.params().stringList("hostnames");
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
