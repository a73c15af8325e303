package startos.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Optional;
import startos.model.Database;
import startos.model.ModelJson;
import startos.model.Slots;
import startos.model.SmtpValue;

/**
 * The system SMTP settings in the database; every read and write of them goes through here. {@code
 * serverInfo.smtp} holds StartOS's {@code T.SmtpValue} with {@code password} always {@code null}:
 * the public database is what the UI and every session see, and StartOS's choice to publish the
 * password there would hand it to anyone who can read the DB. The password is kept in {@link
 * Slots#SMTP_PASSWORD}, which only host code reads (packages get it back through {@code
 * get-system-smtp}, as on StartOS). Both change in one revision. Thread-safe.
 */
public final class SmtpSettings {
  private final Database db;

  public SmtpSettings(Database db) {
    this.db = db;
  }

  /** The stored settings with their password; empty when none are set. */
  public Optional<SmtpValue> read() {
    Optional<SmtpValue> shown = db.serverInfo().smtp();
    if (shown.isEmpty()) {
      return shown;
    }
    SmtpValue s = shown.get();
    Optional<String> password =
        Optional.of(db.read(Slots.SMTP_PASSWORD))
            .filter(p -> !p.isEmpty())
            // a password published by something older than this class is still the password
            .or(s::password);
    return Optional.of(
        new SmtpValue(s.host(), s.port(), s.from(), s.username(), password, s.security()));
  }

  /** The settings in the shape packages get from {@code get-system-smtp}: with the password. */
  public JsonNode forPackages() {
    return read().map(ModelJson::encode).orElseGet(NullNode::getInstance);
  }

  /** Stores {@code value}: public without its password, the password privately. */
  public void write(SmtpValue value) {
    db.mutate(tx -> {
      tx.updateServerInfo(i -> i.toBuilder().smtp(Optional.of(value.withoutPassword())).build());
      tx.set(Slots.SMTP_PASSWORD, value.password().orElse(""));
      return null;
    });
  }

  /** Forgets the settings and the password. */
  public void clear() {
    db.mutate(tx -> {
      tx.updateServerInfo(i -> i.toBuilder().smtp(Optional.empty()).build());
      tx.set(Slots.SMTP_PASSWORD, "");
      return null;
    });
  }
}
