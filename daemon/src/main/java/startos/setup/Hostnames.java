package startos.setup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * Server hostnames: the LAN name {@code <hostname>.local}. Generated ones are {@code
 * adjective-noun} from this project's own word lists; chosen ones must be a valid DNS label.
 */
public final class Hostnames {
  /** The setup wizard's bounds: short names collide on a LAN, long ones break DNS labels. */
  public static final int MIN_LENGTH = 4;

  public static final int MAX_LENGTH = 63;

  private static final List<String> ADJECTIVES = words("adjectives.txt");
  private static final List<String> NOUNS = words("nouns.txt");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Hostnames() {}

  /** A random {@code adjective-noun} hostname. */
  public static String generate() {
    return ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size()))
        + "-"
        + NOUNS.get(RANDOM.nextInt(NOUNS.size()));
  }

  /**
   * Returns {@code hostname} when it is usable, else throws an Invalid Request error saying why.
   */
  public static String validate(String hostname) {
    if (hostname.isEmpty()) {
      throw invalid("the hostname is empty");
    }
    for (int i = 0; i < hostname.length(); i++) {
      char c = hostname.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        throw invalid(
            "invalid character '"
                + c
                + "' in hostname '"
                + hostname
                + "': use lowercase letters, digits and '-'");
      }
    }
    if (hostname.length() < MIN_LENGTH) {
      throw invalid("hostname '" + hostname + "' is shorter than " + MIN_LENGTH + " characters");
    }
    if (hostname.length() > MAX_LENGTH) {
      throw invalid("hostname is longer than " + MAX_LENGTH + " characters");
    }
    if (hostname.startsWith("-") || hostname.endsWith("-")) {
      throw invalid("hostname '" + hostname + "' must not start or end with '-'");
    }
    return hostname;
  }

  /**
   * The hostname derived from a display name ("My Server" → {@code my-server}); a random one when
   * too little of the name is usable.
   */
  public static String fromName(String name) {
    StringBuilder out = new StringBuilder();
    boolean lastWasDash = true;
    String lower = name.toLowerCase(Locale.ROOT);
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        out.append(c);
        lastWasDash = false;
      } else if ((c == '-' || Character.isWhitespace(c)) && !lastWasDash) {
        out.append('-');
        lastWasDash = true;
      }
    }
    while (!out.isEmpty() && out.charAt(out.length() - 1) == '-') {
      out.setLength(out.length() - 1);
    }
    if (out.length() > MAX_LENGTH) {
      out.setLength(MAX_LENGTH);
      while (out.charAt(out.length() - 1) == '-') {
        out.setLength(out.length() - 1);
      }
    }
    return out.length() < MIN_LENGTH ? generate() : out.toString();
  }

  /** The display name for a hostname: {@code brave-otter} → {@code Brave Otter}. */
  public static String toName(String hostname) {
    StringBuilder out = new StringBuilder();
    boolean capital = true;
    for (int i = 0; i < hostname.length(); i++) {
      char c = hostname.charAt(i);
      if (c == '-') {
        out.append(' ');
        capital = true;
      } else {
        out.append(capital ? Character.toUpperCase(c) : c);
        capital = false;
      }
    }
    return out.toString();
  }

  static List<String> adjectives() {
    return ADJECTIVES;
  }

  static List<String> nouns() {
    return NOUNS;
  }

  private static RpcException invalid(String details) {
    return new RpcException(ErrorKind.INVALID_REQUEST, details);
  }

  private static List<String> words(String resource) {
    try (InputStream in = Hostnames.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("word list missing from the jar: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(String::strip)
          .filter(w -> !w.isEmpty())
          .toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read word list " + resource, e);
    }
  }
}
