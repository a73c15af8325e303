package startos.ssl;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;

/** Fresh key pairs of the two kinds StartOS uses. */
public final class Keys {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Keys() {}

  /** A NIST P-256 (secp256r1) pair. */
  public static KeyPair p256() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new SslException("this JVM cannot generate P-256 keys", e);
    }
  }

  /** An Ed25519 pair. */
  public static KeyPair ed25519() {
    try {
      return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new SslException("this JVM cannot generate Ed25519 keys", e);
    }
  }
}
