package startos.ssl;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** Certificate fingerprints in the form StartOS shows as {@code caFingerprint}. */
public final class Fingerprint {
  private static final HexFormat COLON_HEX = HexFormat.ofDelimiter(":").withUpperCase();

  private Fingerprint() {}

  /** SHA-256 of the certificate's DER, uppercase hex pairs joined by colons ({@code AB:CD:…}). */
  public static String sha256(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return COLON_HEX.formatHex(digest);
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      throw new SslException("cannot fingerprint " + certificate.getSubjectX500Principal(), e);
    }
  }
}
