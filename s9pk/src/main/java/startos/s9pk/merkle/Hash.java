package startos.s9pk.merkle;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/** A 32-byte BLAKE3 digest: file hash, directory sighash or merkle root. */
public final class Hash {
  private final byte[] bytes;

  private Hash(byte[] bytes) {
    this.bytes = bytes;
  }

  public static Hash of(byte[] bytes) {
    if (bytes.length != 32) {
      throw new S9pkException("a BLAKE3 hash has 32 bytes, got " + bytes.length);
    }
    return new Hash(bytes.clone());
  }

  public static Hash ofHex(String hex) {
    try {
      return of(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new S9pkException("not a hex hash: " + hex, e);
    }
  }

  /** Decodes standard base64, padded or not, as StartOS JSON does. */
  public static Hash ofBase64(String base64) {
    try {
      return of(Base64.getDecoder().decode(base64));
    } catch (IllegalArgumentException e) {
      throw new S9pkException("not a base64 hash: " + base64, e);
    }
  }

  /** BLAKE3 of a byte array. */
  public static Hash blake3(byte[] data) {
    return Blake3.hash(data);
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  /** Standard alphabet without padding, the form in StartOS JSON. */
  public String base64() {
    return Base64.getEncoder().withoutPadding().encodeToString(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hash h && Arrays.equals(bytes, h.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return hex();
  }
}
