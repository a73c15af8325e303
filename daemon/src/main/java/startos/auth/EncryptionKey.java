package startos.auth;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * The per-boot P-256 key whose public half {@code auth.get-pubkey} hands out as a JWK (as StartOS
 * does), so clients can encrypt passwords to the server.
 */
public final class EncryptionKey {
  private final KeyPair keyPair;

  private EncryptionKey(KeyPair keyPair) {
    this.keyPair = keyPair;
  }

  public static EncryptionKey generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return new EncryptionKey(generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot generate P-256 keys", e);
    }
  }

  public KeyPair keyPair() {
    return keyPair;
  }

  /** {@code {"kty":"EC","crv":"P-256","x":..,"y":..}} with unpadded base64url coordinates. */
  public ObjectNode publicJwk() {
    ECPublicKey pub = (ECPublicKey) keyPair.getPublic();
    ObjectNode jwk = JsonNodeFactory.instance.objectNode();
    jwk.put("kty", "EC");
    jwk.put("crv", "P-256");
    jwk.put("x", coordinate(pub.getW().getAffineX()));
    jwk.put("y", coordinate(pub.getW().getAffineY()));
    return jwk;
  }

  private static String coordinate(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] fixed = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, fixed, 32 - copy, copy);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
  }

  @Override
  public String toString() {
    return "EncryptionKey" + Arrays.toString(new String[] {"P-256"});
  }
}
