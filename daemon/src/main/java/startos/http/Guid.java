package startos.http;

import java.security.SecureRandom;
import startos.auth.Base32;

/**
 * Continuation ids: 32 upper-case base32 characters from 20 random bytes, as StartOS makes them.
 */
public final class Guid {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Guid() {}

  public static String generate() {
    byte[] bytes = new byte[20];
    RANDOM.nextBytes(bytes);
    return Base32.encode(bytes);
  }

  /** True for a well-formed guid (it may still be unknown). */
  public static boolean isWellFormed(String s) {
    if (s.length() != 32) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) {
        return false;
      }
    }
    return true;
  }
}
