package startos.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The local CLI's credential: a random secret in a root-only (0600) file, sent back as cookie
 * {@code local=<contents>}. Whoever can read the file is as trusted as a logged-in session.
 */
public final class LocalAuthCookie {
  public static final String FILE_NAME = "rpc.authcookie";
  public static final String COOKIE_NAME = "local";

  private final byte[] secret;

  private LocalAuthCookie(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  /** A fresh random cookie, not yet written anywhere. */
  public static LocalAuthCookie generate() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return new LocalAuthCookie(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  /**
   * Writes the cookie to {@code file} with mode 0600, atomically: readers see the old or the new
   * cookie, never a partial one.
   *
   * @throws UncheckedIOException when the file cannot be written
   */
  public void writeTo(Path file) {
    String secret = new String(this.secret, StandardCharsets.UTF_8);
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.deleteIfExists(temp);
      try {
        Files.createFile(
            temp,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      } catch (FileAlreadyExistsException e) {
        throw new IOException("a concurrent writer holds " + temp, e);
      }
      Files.writeString(temp, secret, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the local auth cookie " + file, e);
    }
  }

  /** Constant-time check of a {@code local} cookie value. */
  public boolean matches(String value) {
    return MessageDigest.isEqual(secret, value.trim().getBytes(StandardCharsets.UTF_8));
  }
}
