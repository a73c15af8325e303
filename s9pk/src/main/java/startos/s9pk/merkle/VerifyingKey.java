package startos.s9pk.merkle;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519phSigner;

/** An Ed25519 public key: the signer of an archive (a developer) or a registry. */
public final class VerifyingKey {
  private final byte[] bytes;

  private VerifyingKey(byte[] bytes) {
    this.bytes = bytes;
  }

  public static VerifyingKey of(byte[] bytes) {
    if (bytes.length != 32) {
      throw new S9pkException("an Ed25519 public key has 32 bytes, got " + bytes.length);
    }
    return new VerifyingKey(bytes.clone());
  }

  /** Parses {@code -----BEGIN PUBLIC KEY-----} (SPKI). */
  public static VerifyingKey fromPem(String pem) {
    return of(
        Ed25519Pem.strip(
            Ed25519Pem.decode("PUBLIC KEY", pem), Ed25519Pem.SPKI_PREFIX, 32, "public key"));
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  public String pem() {
    return Ed25519Pem.encode("PUBLIC KEY", Ed25519Pem.concat(Ed25519Pem.SPKI_PREFIX, bytes));
  }

  /** Ed25519ph (RFC 8032) verification with the given context, e.g. {@code "s9pk"}. */
  public boolean verify(byte[] message, byte[] signature, String context) {
    if (signature.length != 64) {
      return false;
    }
    Ed25519PublicKeyParameters key;
    try {
      key = new Ed25519PublicKeyParameters(bytes, 0);
    } catch (IllegalArgumentException e) {
      return false;
    }
    Ed25519phSigner verifier = new Ed25519phSigner(context.getBytes(StandardCharsets.UTF_8));
    verifier.init(false, key);
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature);
  }

  /** PEM {@code SIGNATURE} form of a 64-byte signature, as StartOS registries use it. */
  public static String signaturePem(byte[] signature) {
    if (signature.length != 64) {
      throw new S9pkException("an Ed25519 signature has 64 bytes, got " + signature.length);
    }
    return Ed25519Pem.encode(
        "SIGNATURE", Ed25519Pem.concat(Ed25519Pem.SIGNATURE_PREFIX, signature));
  }

  public static byte[] signatureFromPem(String pem) {
    return Ed25519Pem.strip(
        Ed25519Pem.decode("SIGNATURE", pem), Ed25519Pem.SIGNATURE_PREFIX, 64, "signature");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerifyingKey k && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "VerifyingKey[" + hex() + "]";
  }
}
