package startos.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import startos.patchdb.PatchDb;

/**
 * Where the system SMTP settings live in the database; every read and write of them goes through
 * here. {@code /public/serverInfo/smtp} holds StartOS's {@code T.SmtpValue} with {@code password}
 * always {@code null}: the public database is what the UI and every session see, and StartOS's
 * choice to publish the password there would hand it to anyone who can read the DB. The password is
 * kept in {@code /private/smtpPassword}, which only host code reads (packages get it back through
 * {@code get-system-smtp}, as on StartOS). Both change in one revision. Thread-safe.
 */
public final class SmtpSettings {
  static final String PUBLIC = "/public/serverInfo/smtp";
  static final String PRIVATE_FIELD = "smtpPassword";
  static final String PRIVATE = "/private/" + PRIVATE_FIELD;

  private final PatchDb db;

  public SmtpSettings(PatchDb db) {
    this.db = db;
  }

  /** The stored settings with their password; empty when none are set. */
  public Optional<SmtpValue> read() {
    Optional<JsonNode> stored = db.get(PUBLIC).filter(JsonNode::isObject);
    if (stored.isEmpty()) {
      return Optional.empty();
    }
    JsonNode s = stored.get();
    Optional<SmtpSecurity> security = SmtpSecurity.ofWire(s.path("security").asText("starttls"));
    int port = s.path("port").asInt(0);
    if (security.isEmpty() || port < 1 || port > 65535 || !s.path("host").isTextual()) {
      // not what this class writes (an edit through db apply): as good as unset
      return Optional.empty();
    }
    Optional<String> password =
        db.get(PRIVATE)
            .or(() -> Optional.ofNullable(s.get("password")))
            .filter(JsonNode::isTextual)
            .map(JsonNode::asText);
    return Optional.of(
        new SmtpValue(
            s.path("host").asText(),
            port,
            s.path("from").asText(""),
            s.path("username").asText(""),
            password,
            security.get()));
  }

  /** The settings in the shape packages get from {@code get-system-smtp}: with the password. */
  public JsonNode forPackages() {
    return read()
        .<JsonNode>map(v -> v.toJson(true))
        .orElseGet(com.fasterxml.jackson.databind.node.NullNode::getInstance);
  }

  /** Stores {@code value}: public without its password, the password privately. */
  public void write(SmtpValue value) {
    db.mutate(root -> {
      serverInfo(root).set("smtp", value.toJson(false));
      ObjectNode priv = object(root, "private");
      value
          .password()
          .ifPresentOrElse(p -> priv.put(PRIVATE_FIELD, p), () -> priv.remove(PRIVATE_FIELD));
      return null;
    });
  }

  /** Forgets the settings and the password. */
  public void clear() {
    db.mutate(root -> {
      serverInfo(root).putNull("smtp");
      object(root, "private").remove(PRIVATE_FIELD);
      return null;
    });
  }

  private static ObjectNode serverInfo(ObjectNode root) {
    return object(object(root, "public"), "serverInfo");
  }

  private static ObjectNode object(ObjectNode parent, String name) {
    return parent.get(name) instanceof ObjectNode o ? o : parent.putObject(name);
  }
}
