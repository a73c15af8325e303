package startos.smtp;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * The system SMTP settings, StartOS's {@code T.SmtpValue}. Built only by {@link SmtpParams} (which
 * checks every field) or read back from the database that stored one.
 *
 * @param from the sender, an address or {@code Name <address>}
 * @param password empty when the server needs no login password
 */
public record SmtpValue(
    String host,
    int port,
    String from,
    String username,
    Optional<String> password,
    SmtpSecurity security) {
  public SmtpValue {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(security, "security");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is out of range");
    }
  }

  /** The same server and login: the password stored for one may be used for the other. */
  boolean sameLogin(SmtpValue other) {
    return host.equalsIgnoreCase(other.host)
        && port == other.port
        && username.equals(other.username)
        && security == other.security;
  }

  SmtpValue withPassword(Optional<String> newPassword) {
    return new SmtpValue(host, port, from, username, newPassword, security);
  }

  /**
   * The {@code T.SmtpValue} JSON. The password is written only for whom StartOS writes it: packages
   * asking through {@code get-system-smtp}; the public database gets {@code null}.
   */
  public ObjectNode toJson(boolean withPassword) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("host", host);
    out.put("port", port);
    out.put("from", from);
    out.put("username", username);
    if (withPassword && password.isPresent()) {
      out.put("password", password.get());
    } else {
      out.putNull("password");
    }
    out.put("security", security.wire());
    return out;
  }

  @Override
  public String toString() {
    // never the password: records end up in logs and exception messages
    return "SmtpValue[%s:%d, from %s, user %s, %s]"
        .formatted(host, port, from, username, security.wire());
  }
}
