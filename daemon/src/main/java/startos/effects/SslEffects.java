package startos.effects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import startos.effects.SslParams.Algorithm;
import startos.effects.SslParams.GetSslCertificateParams;
import startos.effects.SslParams.GetSslKeyParams;
import startos.model.Database;
import startos.model.Host;

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

  private final Database db;
  private final ServiceHost host;
  private final Watches watches;

  SslEffects(Database db, ServiceHost host, Watches watches) {
    this.db = db;
    this.host = host;
    this.watches = watches;
  }

  void register(EffectTable t) {
    t.register("get-ssl-certificate", this::certificate, GetSslCertificateParams.class);
    t.register("get-ssl-key", this::key, GetSslKeyParams.class);
  }

  private JsonNode certificate(EffectCall c, GetSslCertificateParams p) {
    List<String> names = ownNames(c.packageId(), p.hostnames());
    ArrayNode chain = NODES.arrayNode();
    host.certificateChain(c.packageId(), names, algorithm(p.algorithm())).forEach(chain::add);
    return watches.answer(c.packageId(), p.callback(), () -> chain);
  }

  private JsonNode key(EffectCall c, GetSslKeyParams p) {
    List<String> names = ownNames(c.packageId(), p.hostnames());
    return NODES.textNode(host.certificateKey(c.packageId(), names, algorithm(p.algorithm())));
  }

  private static String algorithm(Optional<Algorithm> algorithm) {
    return algorithm.orElse(Algorithm.ECDSA).wire();
  }

  private Map<String, Map<String, Host>> hostsByPackage() {
    Map<String, Map<String, Host>> hosts = new LinkedHashMap<>();
    db.packages().forEach((id, entry) -> hosts.put(id, entry.hosts()));
    return hosts;
  }

  /** The requested names in canonical spelling, or a refusal naming the first foreign one. */
  private List<String> ownNames(String packageId, List<String> requested) {
    CertificateNames.Server server =
        new CertificateNames.Server(
            db.serverInfo().hostname(), host.osIp(), host.serverAddresses());
    return CertificateNames.of(packageId, hostsByPackage(), server, host::containerIp)
        .check(requested);
  }
}
