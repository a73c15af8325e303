package startos.ssl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/** PEM text for certificates and PKCS#8 private keys, as StartOS stores them in its database. */
public final class Pem {
  private Pem() {}

  /** One certificate as a {@code CERTIFICATE} block ending in a newline. */
  public static String encode(X509Certificate certificate) {
    try {
      return encode("CERTIFICATE", certificate.getEncoded());
    } catch (CertificateException e) {
      throw new SslException(
          "cannot encode certificate " + certificate.getSubjectX500Principal(), e);
    }
  }

  /** Certificates one after the other, e.g. a served chain. */
  public static String encode(List<X509Certificate> chain) {
    StringBuilder out = new StringBuilder();
    chain.forEach(c -> out.append(encode(c)));
    return out.toString();
  }

  /** A private key as an unencrypted PKCS#8 {@code PRIVATE KEY} block. */
  public static String encode(PrivateKey key) {
    if (!"PKCS#8".equals(key.getFormat())) {
      throw new SslException("private key has no PKCS#8 encoding: " + key.getAlgorithm());
    }
    return encode("PRIVATE KEY", key.getEncoded());
  }

  /** The first certificate in {@code pem}. */
  public static X509Certificate certificate(String pem) {
    List<X509Certificate> all = certificates(pem);
    if (all.isEmpty()) {
      throw new SslException("no CERTIFICATE block in PEM text");
    }
    return all.get(0);
  }

  /** Every certificate in {@code pem}, in order; other block types are skipped. */
  public static List<X509Certificate> certificates(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (PemObject block : blocks(pem)) {
        if (block.getType().equals("CERTIFICATE")) {
          out.add(
              (X509Certificate)
                  factory.generateCertificate(new ByteArrayInputStream(block.getContent())));
        }
      }
    } catch (CertificateException e) {
      throw new SslException("malformed certificate in PEM text: " + e.getMessage(), e);
    }
    return out;
  }

  /** The PKCS#8 private key in {@code pem} (EC or Ed25519). */
  public static PrivateKey privateKey(String pem) {
    for (PemObject block : blocks(pem)) {
      if (block.getType().equals("PRIVATE KEY")) {
        try {
          String oid =
              PrivateKeyInfo.getInstance(block.getContent())
                  .getPrivateKeyAlgorithm()
                  .getAlgorithm()
                  .getId();
          String algorithm = oid.equals("1.3.101.112") ? "Ed25519" : "EC";
          return KeyFactory.getInstance(algorithm)
              .generatePrivate(new PKCS8EncodedKeySpec(block.getContent()));
        } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
          throw new SslException("malformed private key in PEM text: " + e.getMessage(), e);
        }
      }
    }
    throw new SslException("no PRIVATE KEY block in PEM text");
  }

  /** Any DER payload as a PEM block of the given type. */
  public static String encode(String type, byte[] der) {
    StringWriter text = new StringWriter();
    try (PemWriter writer = new PemWriter(text)) {
      writer.writeObject(new PemObject(type, der));
    } catch (IOException e) {
      throw new SslException("cannot write PEM", e);
    }
    return text.toString();
  }

  private static List<PemObject> blocks(String pem) {
    List<PemObject> out = new ArrayList<>();
    try (PemReader reader = new PemReader(new StringReader(pem))) {
      for (PemObject o = reader.readPemObject(); o != null; o = reader.readPemObject()) {
        out.add(o);
      }
    } catch (IOException e) {
      throw new SslException("malformed PEM text: " + e.getMessage(), e);
    }
    return out;
  }
}
