package startos.ssl;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The server's local certificate authority: a P-256 root named after the hostname and a P-256
 * intermediate that signs leaf certificates for LAN addresses. Users trust the root once; leaves
 * come and go.
 */
public final class LocalCa {
  /** Root and intermediate live ten 364-day years from one day before setup. */
  static final Duration CA_LIFETIME = Duration.ofDays(10 * 364);

  /** Browsers refuse leaf certificates valid for more than 398 days. */
  static final Duration LEAF_LIFETIME = Duration.ofDays(397);

  /** Backdating absorbs clients whose clocks run behind. */
  static final Duration BACKDATE = Duration.ofDays(1);

  static final String ORGANIZATION = "Start9";
  static final String ORGANIZATIONAL_UNIT = "StartOS";
  static final String INTERMEDIATE_CN = "StartOS Local Intermediate CA";

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final PrivateKey rootKey;
  private final X509Certificate root;
  private final PrivateKey intermediateKey;
  private final X509Certificate intermediate;

  private LocalCa(
      PrivateKey rootKey,
      X509Certificate root,
      PrivateKey intermediateKey,
      X509Certificate intermediate) {
    this.rootKey = rootKey;
    this.root = root;
    this.intermediateKey = intermediateKey;
    this.intermediate = intermediate;
  }

  /** Makes a fresh root and intermediate for {@code hostname}, valid from {@code start} − 1 day. */
  public static LocalCa create(String hostname, Instant start) {
    if (hostname.isBlank()) {
      throw new SslException("the root CA needs the server's hostname for its name");
    }
    Instant notBefore = start.truncatedTo(ChronoUnit.SECONDS).minus(BACKDATE);
    Instant notAfter = start.truncatedTo(ChronoUnit.SECONDS).plus(CA_LIFETIME);
    KeyPair rootPair = Keys.p256();
    X500Name rootName = name(hostname + " Local Root CA");
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      BigInteger rootSerial = serial();
      X509v3CertificateBuilder rootBuilder =
          new JcaX509v3CertificateBuilder(
                  rootName,
                  rootSerial,
                  Date.from(notBefore),
                  Date.from(notAfter),
                  rootName,
                  rootPair.getPublic())
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(rootPair.getPublic()))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  ext.createAuthorityKeyIdentifier(rootPair.getPublic()))
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(Extension.keyUsage, true, caUsage());
      X509Certificate root = sign(rootBuilder, rootPair.getPrivate());

      KeyPair intPair = Keys.p256();
      X509v3CertificateBuilder intBuilder =
          new JcaX509v3CertificateBuilder(
                  root,
                  serial(),
                  root.getNotBefore(),
                  root.getNotAfter(),
                  name(INTERMEDIATE_CN),
                  intPair.getPublic())
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(intPair.getPublic()))
              .addExtension(
                  Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(root))
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(Extension.keyUsage, true, caUsage());
      X509Certificate intermediate = sign(intBuilder, rootPair.getPrivate());
      return new LocalCa(rootPair.getPrivate(), root, intPair.getPrivate(), intermediate);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new SslException(
          "cannot build the local CA for " + hostname + ": " + e.getMessage(), e);
    }
  }

  /** Restores a CA saved as PEM (the {@code /private/keyStore/localCerts} fields). */
  public static LocalCa fromPem(
      String rootKeyPem, String rootCertPem, String intKeyPem, String intCertPem) {
    return new LocalCa(
        Pem.privateKey(rootKeyPem),
        Pem.certificate(rootCertPem),
        Pem.privateKey(intKeyPem),
        Pem.certificate(intCertPem));
  }

  /** Issues a leaf for the given DNS names and IP literals, valid from now − 1 day for 397 days. */
  public LeafCertificate issueLeaf(Set<String> hostnamesAndIps, KeyAlgorithm algorithm) {
    return issueLeaf(hostnamesAndIps, algorithm, Instant.now());
  }

  /** As {@link #issueLeaf(Set, KeyAlgorithm)} with an explicit issuing time. */
  public LeafCertificate issueLeaf(
      Set<String> hostnamesAndIps, KeyAlgorithm algorithm, Instant now) {
    KeyPair pair =
        switch (algorithm) {
          case ECDSA -> Keys.p256();
          case ED25519 -> Keys.ed25519();
        };
    return issueLeaf(hostnamesAndIps, pair, now);
  }

  /**
   * Issues a leaf for an existing key pair: renewals keep the key clients may have pinned. The
   * common name is the first DNS name, and there is none when the leaf has no DNS name: OpenSSL
   * checks the common name when no DNS name is in the alternative names, so a {@code localhost}
   * there (as StartOS writes) would make a leaf for an IP address, or for no name at all (which
   * packages ask for to read the root from the chain), pass for {@code localhost}.
   */
  LeafCertificate issueLeaf(Set<String> hostnamesAndIps, KeyPair pair, Instant now) {
    TreeSet<String> dnsNames = new TreeSet<>();
    List<GeneralName> sans = new ArrayList<>();
    for (String entry : new TreeSet<>(hostnamesAndIps)) {
      if (isIpLiteral(entry)) {
        sans.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ipBytes(entry))));
      } else {
        if (entry.isBlank() || entry.chars().anyMatch(Character::isWhitespace)) {
          throw new SslException("not a valid hostname for a certificate: '" + entry + "'");
        }
        dnsNames.add(entry);
        sans.add(new GeneralName(GeneralName.dNSName, entry));
      }
    }
    Instant start = now.truncatedTo(ChronoUnit.SECONDS);
    X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE);
    if (!dnsNames.isEmpty()) {
      subject.addRDN(BCStyle.CN, dnsNames.first());
    }
    subject.addRDN(BCStyle.O, ORGANIZATION).addRDN(BCStyle.OU, ORGANIZATIONAL_UNIT);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  intermediate,
                  serial(),
                  Date.from(start.minus(BACKDATE)),
                  Date.from(start.plus(LEAF_LIFETIME)),
                  subject.build(),
                  pair.getPublic())
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(pair.getPublic()))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  ext.createAuthorityKeyIdentifier(intermediate.getPublicKey()))
              .addExtension(Extension.basicConstraints, false, new BasicConstraints(false))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      if (!sans.isEmpty()) {
        // an empty SEQUENCE of names is not valid DER: a leaf naming nothing has no extension
        builder.addExtension(
            Extension.subjectAlternativeName,
            false,
            new GeneralNames(sans.toArray(GeneralName[]::new)));
      }
      X509Certificate leaf = sign(builder, intermediateKey);
      return new LeafCertificate(pair.getPrivate(), List.of(leaf, intermediate, root));
    } catch (GeneralSecurityException | CertIOException e) {
      throw new SslException("cannot issue a certificate for " + hostnamesAndIps, e);
    }
  }

  public X509Certificate root() {
    return root;
  }

  public X509Certificate intermediate() {
    return intermediate;
  }

  public String rootKeyPem() {
    return Pem.encode(rootKey);
  }

  public String rootCertPem() {
    return Pem.encode(root);
  }

  public String intermediateKeyPem() {
    return Pem.encode(intermediateKey);
  }

  public String intermediateCertPem() {
    return Pem.encode(intermediate);
  }

  /** The root's SHA-256 fingerprint as {@code AB:CD:…}. */
  public String fingerprint() {
    return Fingerprint.sha256(root);
  }

  /** The public key a leaf's signature must verify against. */
  PublicKey intermediatePublicKey() {
    return intermediate.getPublicKey();
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.CN, commonName)
        .addRDN(BCStyle.O, ORGANIZATION)
        .addRDN(BCStyle.OU, ORGANIZATIONAL_UNIT)
        .build();
  }

  private static KeyUsage caUsage() {
    return new KeyUsage(KeyUsage.digitalSignature | KeyUsage.cRLSign | KeyUsage.keyCertSign);
  }

  /** 64 random bits, kept positive as DER INTEGER serials must be. */
  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).add(BigInteger.ONE);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    } catch (OperatorCreationException e) {
      throw new SslException("cannot sign with the CA key: " + e.getMessage(), e);
    }
  }

  private static boolean isIpLiteral(String entry) {
    return IPV4.matcher(entry).matches()
        || (entry.contains(":") && entry.matches("[0-9a-fA-F:.]+"));
  }

  private static byte[] ipBytes(String literal) {
    if (IPV4.matcher(literal).matches()) {
      for (String octet : literal.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          throw new SslException("not a valid IP address for a certificate: '" + literal + "'");
        }
      }
    }
    try {
      // checked above to be a well-formed literal, so this never asks DNS
      return InetAddress.getByName(literal).getAddress();
    } catch (UnknownHostException e) {
      throw new SslException("not a valid IP address for a certificate: '" + literal + "'", e);
    }
  }
}
