package startos.smtp;

import java.util.Arrays;
import java.util.Optional;

/** {@code T.SmtpSecurity}: how the connection to the SMTP server is encrypted. */
public enum SmtpSecurity {
  /** Plain connection upgraded with STARTTLS before anything else is sent (usually port 587). */
  STARTTLS("starttls"),
  /** TLS from the first byte, "implicit TLS" or SMTPS (usually port 465). */
  TLS("tls");

  private final String wire;

  SmtpSecurity(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  static Optional<SmtpSecurity> ofWire(String text) {
    return Arrays.stream(values()).filter(s -> s.wire.equals(text)).findFirst();
  }
}
