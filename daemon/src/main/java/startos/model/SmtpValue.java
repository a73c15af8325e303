package startos.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Optional;

/**
 * The system SMTP settings ({@code T.SmtpValue}). In {@code serverInfo} the password is always
 * empty: it is kept private and given only to host code and, through {@code get-system-smtp}, to
 * packages.
 */
public record SmtpValue(
    String host,
    int port,
    String from,
    String username,
    Optional<String> password,
    Security security) {
  public SmtpValue {
    password = password == null ? Optional.empty() : password;
  }

  /** The same settings without the password, as {@code serverInfo} shows them. */
  public SmtpValue withoutPassword() {
    return new SmtpValue(host, port, from, username, Optional.empty(), security);
  }

  /** Never the password: records end up in logs and exception messages. */
  @Override
  public String toString() {
    return "SmtpValue[%s:%d, from %s, user %s, %s%s]"
        .formatted(
            host, port, from, username, security, password.isPresent() ? ", with password" : "");
  }

  /** {@code T.SmtpSecurity}. */
  public enum Security {
    @JsonProperty("starttls")
    STARTTLS,
    @JsonProperty("tls")
    TLS
  }
}
