package startos.s9pk.merkle;

import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 keys and signatures as DER with fixed prefixes, in PEM text with LF line endings and
 * 64-column base64, as StartOS writes them.
 */
final class Ed25519Pem {
  private Ed25519Pem() {}

  static final byte[] SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  static final byte[] SIGNATURE_PREFIX = HexFormat.of().parseHex("3049300506032b65700440");
  static final byte[] PKCS8_V1_PREFIX = HexFormat.of().parseHex("302e020100300506032b657004220420");
  static final byte[] PKCS8_V2_PREFIX = HexFormat.of().parseHex("3051020101300506032b657004220420");
  static final byte[] PKCS8_V2_PUBLIC = HexFormat.of().parseHex("812100");

  static String encode(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  static byte[] decode(String label, String text) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new S9pkException("expected a PEM block labelled " + label);
    }
    String body = text.substring(from + begin.length(), to).replaceAll("\\s", "");
    try {
      return Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new S9pkException("PEM " + label + " body is not base64", e);
    }
  }

  static byte[] concat(byte[]... parts) {
    int len = 0;
    for (byte[] p : parts) {
      len += p.length;
    }
    byte[] out = new byte[len];
    int pos = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, pos, p.length);
      pos += p.length;
    }
    return out;
  }

  /** The bytes after {@code prefix} when {@code der} is exactly prefix + {@code length} bytes. */
  static byte[] strip(byte[] der, byte[] prefix, int length, String what) {
    if (der.length != prefix.length + length
        || !java.util.Arrays.equals(der, 0, prefix.length, prefix, 0, prefix.length)) {
      throw new S9pkException(what + " is not an Ed25519 key/signature in the expected DER form");
    }
    return java.util.Arrays.copyOfRange(der, prefix.length, der.length);
  }
}
