package startos.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import startos.auth.Passwords;
import startos.patchdb.PatchDb;
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
 * password hash) in one database revision; complete flips {@code /private/setupComplete}, after
 * which the router closes the {@code setup.*} family and opens the rest.
 */
public final class SetupApi {
  /** The setup wizard's bounds on the password length. */
  public static final int MIN_PASSWORD_LENGTH = 12;

  public static final int MAX_PASSWORD_LENGTH = 64;

  static final String ROOT_CERT = "/private/keyStore/localCerts/rootCert";

  private final PatchDb db;
  private final Clock clock;
  private final SetupEncryption encryption = new SetupEncryption();

  public SetupApi(PatchDb db) {
    this(db, Clock.systemUTC());
  }

  SetupApi(PatchDb db, Clock clock) {
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

    db.mutate(root -> {
      ObjectNode priv = InitialDb.object(root, "private");
      if (priv.at("/keyStore/localCerts/rootCert").isTextual()) {
        throw alreadyDone();
      }
      ObjectNode info = InitialDb.object(InitialDb.object(root, "public"), "serverInfo");
      info.put("id", id);
      info.put("name", identity.name());
      info.put("hostname", identity.hostname());
      info.put("pubkey", keys.sshPublicKey());
      info.put("caFingerprint", ca.fingerprint());
      info.put("kiosk", kiosk);
      priv.put("password", hash);
      priv.put("sshPrivkey", keys.sshPrivateKey());
      priv.put("developerKey", keys.developerKey());
      ObjectNode certs = InitialDb.object(InitialDb.object(priv, "keyStore"), "localCerts");
      certs.put("rootKey", ca.rootKeyPem());
      certs.put("rootCert", ca.rootCertPem());
      certs.put("intKey", ca.intermediateKeyPem());
      certs.put("intCert", ca.intermediateCertPem());
      certs.putObject("leaves");
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
    db.mutate(root -> {
      InitialDb.object(root, "private").put("setupComplete", true);
      return null;
    });
    return result.toJson();
  }

  /** The result of a finished {@code setup.execute}, read back from the database. */
  public Optional<SetupResult> result() {
    Optional<JsonNode> rootCa = db.get(ROOT_CERT).filter(JsonNode::isTextual);
    Optional<JsonNode> hostname = db.get("/public/serverInfo/hostname").filter(JsonNode::isTextual);
    if (rootCa.isEmpty() || hostname.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SetupResult(hostname.get().asText(), rootCa.get().asText(), false));
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

  private static RpcException alreadyDone() {
    return new RpcException(
        ErrorKind.INVALID_REQUEST, "this server is already set up: setup.execute runs only once");
  }

  /** The server's display name and LAN hostname. */
  record Identity(String name, String hostname) {}
}
