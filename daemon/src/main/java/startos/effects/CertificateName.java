package startos.effects;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one spelling of a hostname or IP literal that certificate names are compared and issued in:
 * DNS names as lower-case ASCII labels (an internationalized name only in its {@code xn--} form),
 * IP addresses in Java's canonical text. Anything else is refused rather than guessed at, so no two
 * spellings (case, a final dot, a look-alike letter that lower-cases to ASCII, an octet with a
 * leading zero) can make a name the package does not own compare equal to one it does.
 */
final class CertificateName {
  private static final Pattern IPV4 =
      Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
  private static final Pattern DIGITS_AND_DOTS = Pattern.compile("[0-9.]+");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private CertificateName() {}

  /** The canonical form, or why {@code raw} is not a name a certificate can carry. */
  static String canonical(String raw) {
    if (raw.isEmpty()) {
      throw invalid(raw, "it is empty");
    }
    if (raw.indexOf(':') >= 0) {
      return ipv6(raw);
    }
    if (DIGITS_AND_DOTS.matcher(raw).matches()) {
      return ipv4(raw);
    }
    return dns(raw);
  }

  /** As {@link #canonical}, empty for a name that has none (e.g. a malformed domain in the DB). */
  static Optional<String> tryCanonical(String raw) {
    try {
      return Optional.of(canonical(raw));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String ipv4(String raw) {
    if (!IPV4.matcher(raw).matches()) {
      throw invalid(raw, "it is not an IPv4 address in dotted decimal without leading zeros");
    }
    for (String octet : raw.split("\\.")) {
      if (Integer.parseInt(octet) > 255) {
        throw invalid(raw, "an IPv4 octet is above 255");
      }
    }
    return raw;
  }

  private static String ipv6(String raw) {
    if (!IPV6_CHARS.matcher(raw).matches()) {
      throw invalid(raw, "an IPv6 address holds only hex digits, ':' and '.'");
    }
    try {
      // in brackets Java parses the literal or fails; it never falls back to a DNS lookup
      return InetAddress.getByName("[" + raw + "]").getHostAddress();
    } catch (UnknownHostException e) {
      throw invalid(raw, "it is not a valid IPv6 address");
    }
  }

  private static String dns(String raw) {
    StringBuilder lower = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char ch = raw.charAt(i);
      if (ch > 0x7e || ch < 0x21) {
        throw invalid(
            raw,
            "it holds a character outside printable ASCII; give an internationalized name in its"
                + " xn-- form");
      }
      // ASCII only: Unicode case folding would turn e.g. the Kelvin sign into 'k'
      lower.append(ch >= 'A' && ch <= 'Z' ? (char) (ch + ('a' - 'A')) : ch);
    }
    String name = lower.toString();
    if (name.endsWith(".")) {
      throw invalid(raw, "it ends with a dot; give the name without it");
    }
    if (name.length() > 253) {
      throw invalid(raw, "it is longer than 253 characters");
    }
    for (String label : name.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw invalid(
            raw,
            "its label '"
                + label
                + "' is not 1 to 63 letters, digits and inner hyphens (no wildcards)");
      }
    }
    return name;
  }

  private static IllegalArgumentException invalid(String raw, String why) {
    return new IllegalArgumentException("'" + raw + "' is not a hostname or IP address: " + why);
  }
}
