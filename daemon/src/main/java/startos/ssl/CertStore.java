package startos.ssl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import startos.patchdb.PatchDb;

/**
 * The local CA as kept in the database ({@code /private/keyStore/localCerts}: {@code rootKey,
 * rootCert, intKey, intCert, packageLeaves}), issuing and caching leaf certificates per package and
 * hostname set ({@code packageLeaves.<owner>.<sorted names as JSON>}). Keys are never shared
 * between owners: a package asking for names another one also serves on (the server's LAN address)
 * gets its own key. Each owner keeps at most {@value #MAX_PER_OWNER} leaves, the one issued longest
 * ago dropped first, so a package cannot grow the database by asking for ever new name sets. A
 * cached leaf is reused until it has less than 30 days left, then renewed with the same keys.
 */
public final class CertStore {
  /** Where setup writes the CA. */
  public static final String POINTER = "/private/keyStore/localCerts";

  /** Renew a leaf this long before it expires, as StartOS does. */
  static final Duration RENEW_BEFORE = Duration.ofDays(30);

  /** Leaves kept per owner (a package): far more name sets than a package serves on. */
  public static final int MAX_PER_OWNER = 64;

  /** Where leaves live, one object per owner. */
  static final String LEAVES = "packageLeaves";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> KINDS = List.of("ed25519", "nistp256");

  private final PatchDb db;
  private final Clock clock;

  public CertStore(PatchDb db) {
    this(db, Clock.systemUTC());
  }

  CertStore(PatchDb db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** The CA written at setup, if setup has run. */
  public Optional<LocalCa> ca() {
    return db.get(POINTER).flatMap(CertStore::caFrom);
  }

  /**
   * Both leaves of {@code owner} (a package id) for {@code hostnamesAndIps} (DNS names and IP
   * literals, already checked to be the owner's to ask for; none for a leaf that names nothing,
   * which packages ask for to read the root from the chain), from the owner's cache or freshly
   * issued and stored.
   *
   * @throws SslException before setup has created the CA, or for an unusable name
   */
  public FullChain certFor(String owner, Set<String> hostnamesAndIps) {
    TreeSet<String> names = new TreeSet<>(hostnamesAndIps);
    String key = cacheKey(names);
    Instant now = clock.instant();
    return db.mutate(root -> certFor(root, owner, names, key, now)).result();
  }

  /**
   * A copy of {@code localCerts} (the value at {@link #POINTER}) without any leaf or key of {@code
   * owner}, e.g. when the package is uninstalled.
   */
  public static JsonNode withoutLeavesOf(JsonNode localCerts, String owner) {
    JsonNode copy = localCerts.deepCopy();
    if (copy.path(LEAVES) instanceof ObjectNode leaves) {
      leaves.remove(owner);
    }
    return copy;
  }

  private static FullChain certFor(
      ObjectNode root, String owner, Set<String> names, String key, Instant now) {
    JsonNode node = root.at(POINTER);
    LocalCa ca =
        caFrom(node)
            .orElseThrow(() ->
                new SslException(
                    "the local certificate authority does not exist yet: finish setup first"));
    ObjectNode store = (ObjectNode) node;
    // leaves of earlier versions were shared by every package asking for the same names
    store.remove("leaves");
    ObjectNode owners = store.get(LEAVES) instanceof ObjectNode o ? o : store.putObject(LEAVES);
    ObjectNode leaves = owners.get(owner) instanceof ObjectNode o ? o : owners.putObject(owner);
    JsonNode cached = leaves.get(key);
    if (cached instanceof ObjectNode hit && fresh(hit, ca, now)) {
      return new FullChain(leafFrom(hit, "ed25519", ca), leafFrom(hit, "nistp256", ca));
    }
    KeyPair ed = reuse(cached, "ed25519").orElseGet(Keys::ed25519);
    KeyPair ec = reuse(cached, "nistp256").orElseGet(Keys::p256);
    FullChain chain = new FullChain(ca.issueLeaf(names, ed, now), ca.issueLeaf(names, ec, now));
    if (cached == null) {
      evictOldest(leaves, MAX_PER_OWNER - 1);
    }
    ObjectNode entry = leaves.putObject(key);
    entry.put("issued", now.toEpochMilli());
    ObjectNode keys = entry.putObject("keys");
    keys.put("ed25519", chain.ed25519().keyPem());
    keys.put("nistp256", chain.ecdsa().keyPem());
    ObjectNode certs = entry.putObject("certs");
    certs.put("ed25519", Pem.encode(chain.ed25519().certificate()));
    certs.put("nistp256", Pem.encode(chain.ecdsa().certificate()));
    return chain;
  }

  /** Drops the longest-issued leaves; a hit does not count as use, so reads write nothing. */
  private static void evictOldest(ObjectNode leaves, int keep) {
    while (leaves.size() > keep) {
      String oldest = null;
      long oldestUse = Long.MAX_VALUE;
      for (var e : leaves.properties()) {
        long used = e.getValue().path("issued").asLong(0);
        if (oldest == null || used < oldestUse) {
          oldest = e.getKey();
          oldestUse = used;
        }
      }
      leaves.remove(oldest);
    }
  }

  /** Within an owner, StartOS's key: the JSON text of the sorted name list. */
  static String cacheKey(Set<String> names) {
    ArrayNode array = JSON.createArrayNode();
    new TreeSet<>(names).forEach(array::add);
    try {
      return JSON.writeValueAsString(array);
    } catch (JsonProcessingException e) {
      throw new SslException("cannot encode hostnames " + names, e);
    }
  }

  private static Optional<LocalCa> caFrom(JsonNode store) {
    if (!store.path("rootCert").isTextual() || !store.path("intKey").isTextual()) {
      return Optional.empty();
    }
    return Optional.of(
        LocalCa.fromPem(
            store.path("rootKey").asText(),
            store.path("rootCert").asText(),
            store.path("intKey").asText(),
            store.path("intCert").asText()));
  }

  private static boolean fresh(JsonNode cached, LocalCa ca, Instant now) {
    for (String kind : KINDS) {
      if (!cached.path("certs").path(kind).isTextual()
          || !cached.path("keys").path(kind).isTextual()) {
        return false;
      }
      X509Certificate cert = Pem.certificate(cached.path("certs").path(kind).asText());
      if (!cert.getIssuerX500Principal().equals(ca.intermediate().getSubjectX500Principal())
          || !cert.getNotBefore().toInstant().isBefore(now)
          || cert.getNotAfter().toInstant().isBefore(now.plus(RENEW_BEFORE))) {
        return false;
      }
    }
    return true;
  }

  private static LeafCertificate leafFrom(JsonNode cached, String kind, LocalCa ca) {
    return new LeafCertificate(
        Pem.privateKey(cached.path("keys").path(kind).asText()),
        List.of(
            Pem.certificate(cached.path("certs").path(kind).asText()),
            ca.intermediate(),
            ca.root()));
  }

  /** The stored key, its public half taken from the stored certificate. */
  private static Optional<KeyPair> reuse(JsonNode cached, String kind) {
    if (cached == null) {
      return Optional.empty();
    }
    JsonNode keyPem = cached.path("keys").path(kind);
    JsonNode certPem = cached.path("certs").path(kind);
    if (!keyPem.isTextual() || !certPem.isTextual()) {
      return Optional.empty();
    }
    return Optional.of(
        new KeyPair(
            Pem.certificate(certPem.asText()).getPublicKey(), Pem.privateKey(keyPem.asText())));
  }
}
