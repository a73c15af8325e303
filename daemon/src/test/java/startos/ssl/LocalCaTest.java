package startos.ssl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCaTest {
  private static final Instant SETUP = Instant.parse("2026-11-22T02:00:00Z");
  private static final LocalCa CA = LocalCa.create("brave-otter", SETUP);

  @Test
  void rootAndIntermediateCarryStartOsNames() {
    assertThat(CA.root().getSubjectX500Principal().getName())
        .isEqualTo("OU=StartOS,O=Start9,CN=brave-otter Local Root CA");
    assertThat(CA.root().getIssuerX500Principal()).isEqualTo(CA.root().getSubjectX500Principal());
    assertThat(CA.intermediate().getSubjectX500Principal().getName())
        .isEqualTo("OU=StartOS,O=Start9,CN=StartOS Local Intermediate CA");
    assertThat(CA.intermediate().getIssuerX500Principal())
        .isEqualTo(CA.root().getSubjectX500Principal());
  }

  @Test
  void caCertificatesAreValidForTenYearsOf364DaysFromTheDayBeforeSetup() {
    for (X509Certificate cert : List.of(CA.root(), CA.intermediate())) {
      assertThat(cert.getNotBefore().toInstant()).isEqualTo(SETUP.minus(Duration.ofDays(1)));
      assertThat(cert.getNotAfter().toInstant()).isEqualTo(SETUP.plus(Duration.ofDays(3640)));
    }
  }

  @Test
  void caKeysAreP256AndOnlyTheIntermediateIsLimitedToLeaves() throws Exception {
    for (X509Certificate cert : List.of(CA.root(), CA.intermediate())) {
      assertThat(cert.getPublicKey()).isInstanceOf(ECPublicKey.class);
      assertThat(
              ((ECPublicKey) cert.getPublicKey()).getParams().getCurve().getField().getFieldSize())
          .isEqualTo(256);
      assertThat(cert.getSigAlgName()).isEqualTo("SHA256withECDSA");
      assertThat(cert.getKeyUsage()[5]).as("keyCertSign").isTrue();
      assertThat(cert.getCriticalExtensionOIDs()).contains("2.5.29.19", "2.5.29.15");
    }
    assertThat(CA.root().getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
    assertThat(CA.intermediate().getBasicConstraints()).isZero();
    CA.root().verify(CA.root().getPublicKey());
    CA.intermediate().verify(CA.root().getPublicKey());
  }

  @Test
  void ecdsaAndEd25519LeavesValidateAgainstTheRootWithTheJdkPathValidator() throws Exception {
    Instant now = Instant.parse("2027-01-01T12:00:00Z");
    for (KeyAlgorithm algorithm : KeyAlgorithm.values()) {
      LeafCertificate leaf =
          CA.issueLeaf(Set.of("brave-otter.local", "192.168.1.7", "fe80::1"), algorithm, now);
      assertThat(validate(leaf.chain(), CA.root(), now)).as(algorithm.name()).isTrue();
      X509Certificate cert = leaf.certificate();
      assertThat(cert.getBasicConstraints()).isEqualTo(-1);
      assertThat(cert.getNotBefore().toInstant()).isEqualTo(now.minus(Duration.ofDays(1)));
      assertThat(cert.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(397)));
      assertThat(cert.getSubjectX500Principal().getName())
          .isEqualTo("OU=StartOS,O=Start9,CN=brave-otter.local");
      assertThat(
              cert.getSubjectAlternativeNames().stream().map(san -> (Object) san.get(1)).toList())
          .containsExactlyInAnyOrder("brave-otter.local", "192.168.1.7", "fe80:0:0:0:0:0:0:1");
      assertThat(leaf.key().getAlgorithm())
          .isIn(algorithm == KeyAlgorithm.ECDSA ? List.of("EC") : List.of("Ed25519", "EdDSA"));
    }
  }

  @Test
  void aLeafWithoutDnsNamesHasNoCommonNameAnOpenSslClientCouldTakeForLocalhost() throws Exception {
    LeafCertificate leaf = CA.issueLeaf(Set.of("10.0.3.1"), KeyAlgorithm.ECDSA);
    assertThat(leaf.certificate().getSubjectX500Principal().getName())
        .isEqualTo("OU=StartOS,O=Start9");
    assertThat(
            leaf.certificate().getSubjectAlternativeNames().stream()
                .map(san -> (Object) san.get(1))
                .toList())
        .containsExactly("10.0.3.1");
  }

  @Test
  void aLeafNamingNothingStillChainsToTheRoot() throws Exception {
    Instant now = Instant.now();
    LeafCertificate leaf = CA.issueLeaf(Set.of(), KeyAlgorithm.ED25519, now);
    assertThat(leaf.certificate().getSubjectX500Principal().getName())
        .isEqualTo("OU=StartOS,O=Start9");
    assertThat(leaf.certificate().getSubjectAlternativeNames()).isNull();
    assertThat(validate(leaf.chain(), CA.root(), now)).isTrue();
  }

  @Test
  void aCaRestoredFromPemKeepsIssuingLeavesTheOldRootAccepts() throws Exception {
    LocalCa restored =
        LocalCa.fromPem(
            CA.rootKeyPem(), CA.rootCertPem(), CA.intermediateKeyPem(), CA.intermediateCertPem());
    assertThat(restored.fingerprint()).isEqualTo(CA.fingerprint());
    Instant now = Instant.now();
    LeafCertificate leaf = restored.issueLeaf(Set.of("x.local"), KeyAlgorithm.ED25519, now);
    assertThat(validate(leaf.chain(), CA.root(), now)).isTrue();
    assertThat(Pem.certificates(leaf.chainPem())).containsExactlyElementsOf(leaf.chain());
    assertThat(Pem.privateKey(leaf.keyPem())).isEqualTo(leaf.key());
  }

  @Test
  void fingerprintIsUppercaseColonSeparatedSha256OfTheRootDer() throws Exception {
    String expected =
        HexFormat.ofDelimiter(":")
            .withUpperCase()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(CA.root().getEncoded()));
    assertThat(CA.fingerprint()).isEqualTo(expected).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
  }

  @Test
  void aLeafWithABadAddressOrHostnameIsRefused() {
    assertThatThrownBy(() -> CA.issueLeaf(Set.of("999.1.1.1"), KeyAlgorithm.ECDSA))
        .isInstanceOf(SslException.class)
        .hasMessageContaining("999.1.1.1");
    assertThatThrownBy(() -> CA.issueLeaf(Set.of("bad host"), KeyAlgorithm.ECDSA))
        .isInstanceOf(SslException.class)
        .hasMessageContaining("bad host");
  }

  @Test
  void malformedPemIsReportedNotSwallowed() {
    assertThatThrownBy(() -> Pem.certificate("hello"))
        .isInstanceOf(SslException.class)
        .hasMessageContaining("no CERTIFICATE");
    assertThatThrownBy(() -> Pem.privateKey(CA.rootCertPem()))
        .isInstanceOf(SslException.class)
        .hasMessageContaining("no PRIVATE KEY");
  }

  @Test
  void openSslAlsoAcceptsTheChain(@TempDir Path dir) throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "openssl not installed");
    LeafCertificate leaf = CA.issueLeaf(Set.of("brave-otter.local"), KeyAlgorithm.ECDSA);
    Files.writeString(dir.resolve("root.pem"), CA.rootCertPem());
    Files.writeString(dir.resolve("int.pem"), CA.intermediateCertPem());
    Files.writeString(dir.resolve("leaf.pem"), Pem.encode(leaf.certificate()));
    Process verify =
        new ProcessBuilder(
                "/usr/bin/openssl",
                "verify",
                "-CAfile",
                "root.pem",
                "-untrusted",
                "int.pem",
                "-verify_hostname",
                "brave-otter.local",
                "leaf.pem")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    assertThat(verify.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(verify.exitValue()).as(output).isZero();
    assertThat(output).contains("leaf.pem: OK");
  }

  private static boolean validate(List<X509Certificate> chain, X509Certificate root, Instant at)
      throws Exception {
    CertificateFactory factory = CertificateFactory.getInstance("X.509");
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    params.setRevocationEnabled(false);
    params.setDate(Date.from(at));
    // the path excludes the trust anchor itself
    CertPathValidator.getInstance("PKIX")
        .validate(factory.generateCertPath(chain.subList(0, 2)), params);
    return true;
  }
}
