package startos.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import startos.auth.Passwords;
import startos.model.Database;
import startos.model.LocalCerts;
import startos.model.ModelJson;
import startos.model.Slots;
import startos.rpc.Access;
import startos.rpc.Caller;
import startos.rpc.ErrorKind;
import startos.rpc.Params;
import startos.rpc.RpcException;
import startos.rpc.RpcRouter;
import startos.ssl.LocalCa;

/**
 * First-time setup: {@code setup.status}, {@code setup.get-pubkey}, {@code setup.execute} and
 * {@code setup.complete}. Execute makes the server's identity (id, hostname, keys, local root CA,
 * password hash) in one database revision; complete sets {@link Slots#SETUP_COMPLETE}, after which
 * the router closes the {@code setup.*} family and opens the rest.
 */
public final class SetupApi {
  /** The setup wizard's bounds on the password length. */
  public static final int MIN_PASSWORD_LENGTH = 12;

  public static final int MAX_PASSWORD_LENGTH = 64;

  private final Database db;
  private final Clock clock;
  private final SetupEncryption encryption = new SetupEncryption();

  public SetupApi(Database db) {
    this(db, Clock.systemUTC());
  }

  SetupApi(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  public void register(RpcRouter router) {
    router.register("setup.status", Access.SETUP, (params, caller) -> status());
    router.register("setup.get-pubkey", Access.SETUP, (params, caller) -> pubkey());
    router.register("setup.execute", Access.SETUP, this::execute);
    router.register("setup.complete", Access.SETUP, (params, caller) -> complete());
  }

  /** {@code {status: "complete", hostname, rootCa, needsRestart}} or {@code "incomplete"}. */
  JsonNode status() {
    Optional<SetupResult> result = result();
    if (result.isPresent()) {
      ObjectNode out = InitialDb.JSON.createObjectNode().put("status", "complete");
      out.setAll(result.get().toJson());
      return out;
    }
    ObjectNode out = InitialDb.JSON.createObjectNode().put("status", "incomplete");
    out.putNull("guid");
    out.put("attach", false);
    out.put("mokEnrolled", false);
    out.putNull("osDrive");
    return out;
  }

  /** The wizard's encryption key as a JWK. */
  JsonNode pubkey() {
    return encryption.publicJwk();
  }

  /** Makes the server's identity; see the class comment. */
  synchronized JsonNode execute(JsonNode params, Caller caller) {
    if (!params.isObject()) {
      throw new RpcException(ErrorKind.DESERIALIZATION, "setup.execute takes an object of params");
    }
    if (result().isPresent()) {
      throw alreadyDone();
    }
    if (params.hasNonNull("recoverySource")) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST,
          "restoring from a backup or migrating another server is not supported yet: "
              + "set up a fresh server without recoverySource");
    }
    String password = password(params.path("password"), caller);
    Identity identity =
        identity(
            Params.of(params).nonBlankString("name"), Params.of(params).nonBlankString("hostname"));
    boolean kiosk = params.path("kiosk").asBoolean(false);

    String hash = Passwords.hash(password);
    ServerKeys keys = ServerKeys.generate();
    LocalCa ca = LocalCa.create(identity.hostname(), clock.instant());
    String id = UUID.randomUUID().toString();

    db.mutate(tx -> {
      if (localCerts(tx.get(Slots.LOCAL_CERTS)).rootCert().isPresent()) {
        throw alreadyDone();
      }
      tx.updateServerInfo(info ->
          info.toBuilder()
              .id(id)
              .name(identity.name())
              .hostname(identity.hostname())
              .pubkey(keys.sshPublicKey())
              .caFingerprint(ca.fingerprint())
              .kiosk(Optional.of(kiosk))
              .build());
      tx.set(Slots.PASSWORD, hash);
      tx.set(Slots.SSH_PRIVKEY, keys.sshPrivateKey());
      tx.set(Slots.DEVELOPER_KEY, keys.developerKey());
      tx.set(
          Slots.LOCAL_CERTS,
          ModelJson.encode(
              LocalCerts.of(
                  ca.rootKeyPem(),
                  ca.rootCertPem(),
                  ca.intermediateKeyPem(),
                  ca.intermediateCertPem())));
      return null;
    });
    return new SetupResult(identity.hostname(), ca.rootCertPem(), false).toJson();
  }

  /** Marks setup finished; the result again, for the wizard's last page. */
  synchronized JsonNode complete() {
    SetupResult result =
        result()
            .orElseThrow(() ->
                new RpcException(
                    ErrorKind.INVALID_REQUEST,
                    "setup.execute has not completed yet: nothing to complete"));
    db.update(Slots.SETUP_COMPLETE, done -> true);
    return result.toJson();
  }

  /** The result of a finished {@code setup.execute}, read back from the database. */
  public Optional<SetupResult> result() {
    Optional<String> rootCa = localCerts(db.read(Slots.LOCAL_CERTS)).rootCert();
    if (rootCa.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SetupResult(db.serverInfo().hostname(), rootCa.get(), false));
  }

  private String password(JsonNode field, Caller caller) {
    String password;
    if (field.isMissingNode() || field.isNull()) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST, "a password is required to set up the server");
    } else if (field.isTextual()) {
      if (!caller.loopback() && !caller.secure()) {
        throw new RpcException(
            ErrorKind.INVALID_REQUEST,
            "a plain-text password is accepted only over HTTPS or from this machine: "
                + "encrypt it with the key from setup.get-pubkey ({\"encrypted\": <JWE>})");
      }
      password = field.asText();
    } else if (field.isObject() && field.has("encrypted")) {
      password = encryption.decrypt(field.get("encrypted"));
    } else {
      throw new RpcException(
          ErrorKind.DESERIALIZATION,
          "password must be a string or {\"encrypted\": <JWE>}, got " + field.getNodeType());
    }
    int length = password.codePointCount(0, password.length());
    if (length < MIN_PASSWORD_LENGTH) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST,
          "the password must be at least " + MIN_PASSWORD_LENGTH + " characters, got " + length);
    }
    if (length > MAX_PASSWORD_LENGTH) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST,
          "the password must be at most " + MAX_PASSWORD_LENGTH + " characters, got " + length);
    }
    return password;
  }

  /** StartOS's rules: a name alone derives the hostname, a hostname alone derives the name. */
  static Identity identity(Optional<String> name, Optional<String> hostname) {
    if (hostname.isPresent()) {
      String valid = Hostnames.validate(hostname.get());
      return new Identity(name.orElseGet(() -> Hostnames.toName(valid)), valid);
    }
    if (name.isPresent()) {
      return new Identity(name.get(), Hostnames.fromName(name.get()));
    }
    String generated = Hostnames.generate();
    return new Identity(Hostnames.toName(generated), generated);
  }

  /** The local CA as its record; none before setup (the slot is JSON while CertStore owns it). */
  private static LocalCerts localCerts(JsonNode json) {
    return json.isObject() ? ModelJson.decode(json, LocalCerts.class) : LocalCerts.NONE;
  }

  private static RpcException alreadyDone() {
    return new RpcException(
        ErrorKind.INVALID_REQUEST, "this server is already set up: setup.execute runs only once");
  }

  /** The server's display name and LAN hostname. */
  record Identity(String name, String hostname) {}
}
