package startos.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * A login token (the {@code session} cookie: lower-case base32 of 16 random bytes) and its hashed
 * id (lower-case base32 of SHA-256(token)), which is all the server stores.
 */
public record SessionToken(String token, String hashedId) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public SessionToken {
    if (token.isEmpty() || hashedId.isEmpty()) {
      throw new IllegalArgumentException("a session token and its id must not be empty");
    }
  }

  public static SessionToken generate() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return of(Base32.encode(bytes).toLowerCase(Locale.ROOT));
  }

  /** The token as the client sent it, with its hashed id. */
  public static SessionToken of(String token) {
    return new SessionToken(token, hash(token));
  }

  static String hash(String token) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return Base32.encode(digest).toLowerCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return "SessionToken[" + hashedId + "]"; // never log the token itself
  }
}
