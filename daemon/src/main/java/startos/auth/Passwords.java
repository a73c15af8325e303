package startos.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format ({@code
 * $argon2id$v=19$m=..,t=..,p=..$salt$hash}, unpadded standard base64), the form StartOS keeps at
 * {@code /private/password}.
 *
 * <p>New hashes use m=19 MiB, t=2, p=1 (OWASP's argon2id baseline, ~80 ms here); {@link #verify}
 * honours whatever parameters the string carries, so hashes written by StartOS (RFC 9106
 * low-memory: m=64 MiB, t=3, p=4) verify too.
 */
public final class Passwords {
  static final int MEMORY_KIB = 19 * 1024;
  static final int ITERATIONS = 2;
  static final int PARALLELISM = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  // bounds keep a hostile or corrupt hash string from asking for gigabytes or hours
  private static final int MAX_MEMORY_KIB = 1024 * 1024;
  private static final int MAX_ITERATIONS = 64;
  private static final int MAX_PARALLELISM = 64;

  private static final Pattern PHC =
      Pattern.compile(
          "\\$argon2(id|i|d)\\$v=(16|19)\\$m=(\\d{1,9}),t=(\\d{1,9}),p=(\\d{1,4})"
              + "\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");
  private static final SecureRandom RANDOM = new SecureRandom();

  private Passwords() {}

  /** Hashes a password with a fresh 16-byte salt. */
  public static String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    return hash(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM);
  }

  /** Hashes with explicit salt and cost: for tests against known vectors. */
  static String hash(String password, byte[] salt, int memoryKib, int iterations, int lanes) {
    byte[] out =
        derive(
            Argon2Parameters.ARGON2_id,
            Argon2Parameters.ARGON2_VERSION_13,
            password,
            salt,
            memoryKib,
            iterations,
            lanes,
            HASH_BYTES);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return "$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s"
        .formatted(memoryKib, iterations, lanes, b64.encodeToString(salt), b64.encodeToString(out));
  }

  /**
   * True when {@code password} matches the PHC string (argon2id, argon2i or argon2d).
   *
   * @throws PasswordHashException when {@code phc} is not a valid argon2 PHC string
   */
  public static boolean verify(String phc, String password) {
    Matcher m = PHC.matcher(phc.trim());
    if (!m.matches()) {
      throw new PasswordHashException(
          "the stored password hash is not an argon2 PHC string ($argon2id$v=19$m=..,t=..,p=..$salt$hash)");
    }
    int type =
        switch (m.group(1)) {
          case "id" -> Argon2Parameters.ARGON2_id;
          case "i" -> Argon2Parameters.ARGON2_i;
          default -> Argon2Parameters.ARGON2_d;
        };
    int version =
        m.group(2).equals("19")
            ? Argon2Parameters.ARGON2_VERSION_13
            : Argon2Parameters.ARGON2_VERSION_10;
    long memory = Long.parseLong(m.group(3));
    long iterations = Long.parseLong(m.group(4));
    long lanes = Long.parseLong(m.group(5));
    if (memory > MAX_MEMORY_KIB
        || iterations < 1
        || iterations > MAX_ITERATIONS
        || lanes < 1
        || lanes > MAX_PARALLELISM
        || memory < 8 * lanes) {
      throw new PasswordHashException(
          "the stored password hash has out-of-range argon2 parameters (m=%d, t=%d, p=%d)"
              .formatted(memory, iterations, lanes));
    }
    byte[] salt;
    byte[] expected;
    try {
      salt = Base64.getDecoder().decode(m.group(6));
      expected = Base64.getDecoder().decode(m.group(7));
    } catch (IllegalArgumentException e) {
      throw new PasswordHashException(
          "the stored password hash has invalid base64: " + e.getMessage());
    }
    if (expected.length < 4 || salt.length < 8) {
      throw new PasswordHashException("the stored password hash has a too short salt or hash");
    }
    byte[] actual =
        derive(
            type,
            version,
            password,
            salt,
            (int) memory,
            (int) iterations,
            (int) lanes,
            expected.length);
    return MessageDigest.isEqual(actual, expected);
  }

  private static byte[] derive(
      int type,
      int version,
      String password,
      byte[] salt,
      int memoryKib,
      int iterations,
      int lanes,
      int length) {
    Argon2Parameters params =
        new Argon2Parameters.Builder(type)
            .withVersion(version)
            .withSalt(salt)
            .withMemoryAsKB(memoryKib)
            .withIterations(iterations)
            .withParallelism(lanes)
            .build();
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(params);
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
