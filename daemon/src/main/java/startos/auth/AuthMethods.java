package startos.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import startos.model.Database;
import startos.model.Slots;
import startos.rpc.Access;
import startos.rpc.Caller;
import startos.rpc.ErrorKind;
import startos.rpc.Params;
import startos.rpc.ProtocolException;
import startos.rpc.RpcException;
import startos.rpc.RpcRouter;

/** The {@code auth.*} methods. */
public final class AuthMethods {
  private final Database db;
  private final Sessions sessions;
  private final LoginRateLimiter limiter;
  private final EncryptionKey key;
  private final PasswordDecryptor decryptor;

  /**
   * @param decryptor opens {@code {"encrypted": JWE}} passwords sealed to {@code key}
   */
  public AuthMethods(
      Database db,
      Sessions sessions,
      LoginRateLimiter limiter,
      EncryptionKey key,
      PasswordDecryptor decryptor) {
    this.db = db;
    this.sessions = sessions;
    this.limiter = limiter;
    this.key = key;
    this.decryptor = decryptor;
  }

  public void register(RpcRouter router) {
    router.register("auth.login", Access.UNAUTHENTICATED, this::login);
    router.register("auth.logout", this::logout);
    router.register("auth.session.list", (p, c) -> sessions.list(c.sessionId()));
    router.register("auth.session.kill", this::kill);
    router.register("auth.reset-password", this::resetPassword);
    router.register("auth.get-pubkey", Access.UNAUTHENTICATED, (p, c) -> key.publicJwk());
  }

  /**
   * Result {@code {session: token}}, which the HTTP layer turns into the session cookie and
   * replaces with {@code null} (StartOS's UI expects null; the token stays out of page script).
   */
  private JsonNode login(JsonNode raw, Caller caller) {
    Params params = Params.of(raw);
    String password = password(params, "password");
    boolean ephemeral = params.bool("ephemeral", false);
    params.optionalValue("metadata"); // accepted (the CLI sends platforms), not used
    limiter.attempt(caller.client());
    checkPassword(password);
    limiter.succeeded(caller.client());
    Optional<String> userAgent =
        caller.userAgent().isBlank() ? Optional.empty() : Optional.of(caller.userAgent());
    SessionToken token = sessions.create(ephemeral, userAgent);
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("session", token.token());
    return result;
  }

  private JsonNode logout(JsonNode raw, Caller caller) {
    caller.sessionId().ifPresent(id -> sessions.end(java.util.List.of(id)));
    return NullNode.getInstance();
  }

  private JsonNode kill(JsonNode raw, Caller caller) {
    sessions.end(Params.of(raw).stringList("ids"));
    return NullNode.getInstance();
  }

  private JsonNode resetPassword(JsonNode raw, Caller caller) {
    Params params = Params.of(raw);
    String oldPassword = password(params, "oldPassword");
    String newPassword = password(params, "newPassword");
    if (newPassword.isEmpty()) {
      throw ProtocolException.invalidParams("the new password must not be empty");
    }
    // the old password is a guess like a login's: same throttle, or a session could brute-force it
    limiter.attempt(caller.client());
    checkPassword(oldPassword);
    limiter.succeeded(caller.client());
    String hash = Passwords.hash(newPassword);
    db.update(Slots.PASSWORD, old -> hash);
    return NullNode.getInstance();
  }

  private void checkPassword(String password) {
    // the argon2id PHC hash; "" before setup
    String stored = db.read(Slots.PASSWORD);
    if (stored.isEmpty()) {
      throw new RpcException(
          ErrorKind.UNINITIALIZED, "no password is set on this server: run setup first");
    }
    if (!Passwords.verify(stored, password)) {
      throw new RpcException(ErrorKind.INCORRECT_PASSWORD, "the password is incorrect");
    }
  }

  /** A password param: a string, or StartOS's {@code {"encrypted": JWE}} form. */
  private String password(Params params, String name) {
    Optional<JsonNode> value = params.optionalValue(name);
    if (value.isPresent() && value.get().isObject()) {
      JsonNode jwe = value.get().get("encrypted");
      if (jwe == null || jwe.isNull()) {
        throw ProtocolException.invalidParams(
            "parameter '%s' must be a string or {\"encrypted\": <JWE>}".formatted(name));
      }
      return decryptor.decrypt(jwe);
    }
    return params.string(name);
  }
}
