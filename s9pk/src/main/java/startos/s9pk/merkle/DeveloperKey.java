package startos.s9pk.merkle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519phSigner;

/**
 * An Ed25519 signing key held as its raw 32-byte seed, stored like StartOS's {@code
 * developer.key.pem}: PKCS#8 v2 PEM ({@code PRIVATE KEY}) carrying the public key too.
 */
public final class DeveloperKey {
  private final byte[] seed;
  private final VerifyingKey verifyingKey;

  private DeveloperKey(byte[] seed) {
    this.seed = seed;
    this.verifyingKey =
        VerifyingKey.of(new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded());
  }

  public static DeveloperKey generate() {
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    return new DeveloperKey(seed);
  }

  public static DeveloperKey fromSeed(byte[] seed) {
    if (seed.length != 32) {
      throw new S9pkException("an Ed25519 seed has 32 bytes, got " + seed.length);
    }
    return new DeveloperKey(seed.clone());
  }

  /** Accepts PKCS#8 v1 (seed only) and v2 (seed + public key, checked to match). */
  public static DeveloperKey fromPem(String pem) {
    byte[] der = Ed25519Pem.decode("PRIVATE KEY", pem);
    if (der.length == Ed25519Pem.PKCS8_V1_PREFIX.length + 32) {
      return fromSeed(Ed25519Pem.strip(der, Ed25519Pem.PKCS8_V1_PREFIX, 32, "private key"));
    }
    int v2Len = Ed25519Pem.PKCS8_V2_PREFIX.length + 32 + Ed25519Pem.PKCS8_V2_PUBLIC.length + 32;
    if (der.length != v2Len
        || !Arrays.equals(
            der,
            0,
            Ed25519Pem.PKCS8_V2_PREFIX.length,
            Ed25519Pem.PKCS8_V2_PREFIX,
            0,
            Ed25519Pem.PKCS8_V2_PREFIX.length)) {
      throw new S9pkException("private key is not a PKCS#8 Ed25519 key");
    }
    int seedAt = Ed25519Pem.PKCS8_V2_PREFIX.length;
    int pubAt = seedAt + 32 + Ed25519Pem.PKCS8_V2_PUBLIC.length;
    if (!Arrays.equals(der, seedAt + 32, pubAt, Ed25519Pem.PKCS8_V2_PUBLIC, 0, 3)) {
      throw new S9pkException("private key has a malformed public key field");
    }
    DeveloperKey key = fromSeed(Arrays.copyOfRange(der, seedAt, seedAt + 32));
    if (!Arrays.equals(key.verifyingKey.bytes(), Arrays.copyOfRange(der, pubAt, pubAt + 32))) {
      throw new S9pkException("private key's embedded public key does not match its seed");
    }
    return key;
  }

  public static DeveloperKey load(Path file) {
    try {
      return fromPem(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new S9pkException("cannot read developer key " + file + ": " + e.getMessage(), e);
    } catch (S9pkException e) {
      throw new S9pkException(file + ": " + e.getMessage(), e);
    }
  }

  /** Writes the PEM with mode 0640; refuses to replace an existing key. */
  public void save(Path file) {
    try {
      if (Files.exists(file)) {
        throw new FileAlreadyExistsException(file.toString());
      }
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, ".developer", ".tmp");
      try {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r-----"));
        } catch (UnsupportedOperationException e) {
          // not a POSIX file system: keep the default mode
        }
        Files.writeString(tmp, pem(), StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (FileAlreadyExistsException e) {
      throw new S9pkException("developer key " + file + " already exists; not replacing it", e);
    } catch (IOException e) {
      throw new S9pkException("cannot write developer key " + file + ": " + e.getMessage(), e);
    }
  }

  /** PKCS#8 v2 PEM with the public key, as {@code start-cli init-key} writes it. */
  public String pem() {
    return Ed25519Pem.encode(
        "PRIVATE KEY",
        Ed25519Pem.concat(
            Ed25519Pem.PKCS8_V2_PREFIX, seed, Ed25519Pem.PKCS8_V2_PUBLIC, verifyingKey.bytes()));
  }

  public byte[] seed() {
    return seed.clone();
  }

  public VerifyingKey verifyingKey() {
    return verifyingKey;
  }

  /** Ed25519ph (RFC 8032) over {@code message} with {@code context}. */
  public byte[] sign(byte[] message, String context) {
    Ed25519phSigner signer = new Ed25519phSigner(context.getBytes(StandardCharsets.UTF_8));
    signer.init(true, new Ed25519PrivateKeyParameters(seed, 0));
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  @Override
  public String toString() {
    return "DeveloperKey[" + verifyingKey.hex() + "]";
  }
}
