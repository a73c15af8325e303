package startos.smtp;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import startos.model.SmtpValue;
import startos.model.SmtpValue.Security;
import startos.rpc.Params;
import startos.rpc.ProtocolException;

/**
 * Reads {@code server.set-smtp} ({@code T.SmtpValue}) and {@code server.test-smtp} ({@code
 * T.TestSmtpParams}) params. Every field is checked and every problem is named in one error, so a
 * form can mark all its bad fields at once; nothing is stored or sent when one is wrong. The params
 * come from a logged-in client; they still end up in SMTP commands and mail headers, so line breaks
 * and other control characters are refused everywhere.
 */
final class SmtpParams {
  static final int MAX_HOST = 253;
  static final int MAX_ADDRESS = 512;
  static final int MAX_USERNAME = 512;
  static final int MAX_PASSWORD = 1024;

  private static final Pattern HOSTNAME =
      Pattern.compile(
          "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\\.?");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  /** {@code server.test-smtp}: where to send the test mail, and through which settings. */
  record TestMail(SmtpValue settings, InternetAddress to) {}

  private final JsonNode params;
  private final List<String> problems = new ArrayList<>();

  private SmtpParams(JsonNode params) {
    // Params.of refuses anything but an object with a clear sentence
    Params.of(params);
    this.params = params;
  }

  /**
   * @throws ProtocolException Invalid Params (-32602) naming every field that is wrong
   */
  static SmtpValue settings(JsonNode params) {
    SmtpParams p = new SmtpParams(params);
    Optional<SmtpValue> value = p.value();
    p.done();
    return value.orElseThrow();
  }

  /** As {@link #settings}, with the {@code to} address of the test mail. */
  static TestMail testMail(JsonNode params) {
    SmtpParams p = new SmtpParams(params);
    Optional<SmtpValue> value = p.value();
    Optional<InternetAddress> to = p.address("to");
    p.done();
    return new TestMail(value.orElseThrow(), to.orElseThrow());
  }

  /** Reads every field, recording each problem; empty when there was one. */
  private Optional<SmtpValue> value() {
    String host = host();
    int port = port();
    String from = address("from").map(InternetAddress::toUnicodeString).orElse("");
    String username = text("username", MAX_USERNAME, true).orElse("");
    Optional<String> password = text("password", MAX_PASSWORD, false);
    Security security = security();
    if (!problems.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new SmtpValue(host, port, from, username, password, security));
  }

  private void done() {
    if (!problems.isEmpty()) {
      throw ProtocolException.invalidParams(
          "invalid SMTP settings (nothing was stored or sent): " + String.join("; ", problems));
    }
  }

  private Optional<JsonNode> present(String name) {
    JsonNode v = params.get(name);
    return v == null || v.isNull() ? Optional.empty() : Optional.of(v);
  }

  /** A string field; {@code required} ones may not be blank. Empty when absent or wrong. */
  private Optional<String> text(String name, int max, boolean required) {
    Optional<JsonNode> v = present(name);
    if (v.isEmpty()) {
      if (required) {
        problems.add(name + " is missing");
      }
      return Optional.empty();
    }
    if (!v.get().isTextual()) {
      problems.add(name + " must be a string, got " + Params.describe(v.get()));
      return Optional.empty();
    }
    String s = v.get().asText();
    if (required && s.isBlank()) {
      problems.add(name + " is empty");
      return Optional.empty();
    }
    if (s.length() > max) {
      problems.add(name + " is longer than " + max + " characters");
      return Optional.empty();
    }
    if (s.chars().anyMatch(Character::isISOControl)) {
      problems.add(name + " contains a line break or another control character");
      return Optional.empty();
    }
    return Optional.of(s);
  }

  private String host() {
    Optional<String> host = text("host", MAX_HOST, true).map(String::strip);
    if (host.isEmpty()) {
      return "";
    }
    String h = host.get();
    if (!HOSTNAME.matcher(h).matches() && !IPV6.matcher(h).matches()) {
      problems.add("host '" + h + "' is not a host name or IP address");
      return "";
    }
    return h;
  }

  private int port() {
    Optional<JsonNode> v = present("port");
    if (v.isEmpty()) {
      problems.add("port is missing");
      return 0;
    }
    JsonNode p = v.get();
    if (!p.isIntegralNumber() || !p.canConvertToInt() || p.asInt() < 1 || p.asInt() > 65535) {
      problems.add("port must be a whole number from 1 to 65535, got " + p);
      return 0;
    }
    return p.asInt();
  }

  private Optional<InternetAddress> address(String name) {
    Optional<String> text = text(name, MAX_ADDRESS, true).map(String::strip);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      InternetAddress address = new InternetAddress(text.get(), true);
      address.validate();
      String at = address.getAddress();
      if (at == null || at.indexOf('@') < 1 || at.endsWith("@")) {
        throw new AddressException("no domain");
      }
      return Optional.of(address);
    } catch (AddressException e) {
      problems.add(
          name
              + " '"
              + text.get()
              + "' is not an email address (name@example.com or Name <name@example.com>)");
      return Optional.empty();
    }
  }

  private Security security() {
    Optional<JsonNode> v = present("security");
    if (v.isEmpty()) {
      // StartOS's default when the field is absent
      return Security.STARTTLS;
    }
    switch (v.get().isTextual() ? v.get().asText() : "") {
      case "starttls" -> {
        return Security.STARTTLS;
      }
      case "tls" -> {
        return Security.TLS;
      }
      default -> {
        problems.add("security must be 'starttls' or 'tls', got " + v.get());
        return Security.STARTTLS;
      }
    }
  }
}
