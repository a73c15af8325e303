package startos.s9pk.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeveloperKeyTest {

  @Test
  void pemIsPkcs8WithThePublicKeyAndLoadsBack(@TempDir Path dir) throws Exception {
    DeveloperKey key = DeveloperKey.generate();
    Path file = dir.resolve("developer.key.pem");
    key.save(file);
    assertThat(Files.readString(file))
        .startsWith("-----BEGIN PRIVATE KEY-----\n")
        .endsWith("-----END PRIVATE KEY-----\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r-----");
    DeveloperKey loaded = DeveloperKey.load(file);
    assertThat(loaded.seed()).isEqualTo(key.seed());
    assertThat(loaded.verifyingKey()).isEqualTo(key.verifyingKey());
  }

  @Test
  void savingOverAnExistingKeyIsRefusedAndKeepsIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("k.pem");
    DeveloperKey first = DeveloperKey.generate();
    first.save(file);
    assertThatThrownBy(() -> DeveloperKey.generate().save(file))
        .isInstanceOf(S9pkException.class)
        .hasMessageContaining("already exists");
    assertThat(DeveloperKey.load(file).seed()).isEqualTo(first.seed());
  }

  @Test
  void knownSeedGivesTheRfc8032PublicKeyAndPkcs8Bytes() {
    byte[] seed =
        HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    DeveloperKey key = DeveloperKey.fromSeed(seed);
    assertThat(key.verifyingKey().hex())
        .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    String der =
        HexFormat.of()
            .formatHex(
                java.util.Base64.getMimeDecoder()
                    .decode(key.pem().replaceAll("-----[A-Z ]+-----", "")));
    assertThat(der)
        .isEqualTo(
            "3051020101300506032b657004220420"
                + HexFormat.of().formatHex(seed)
                + "812100"
                + key.verifyingKey().hex());
  }

  @Test
  void ed25519phMatchesRfc8032TestVectorAbc() {
    // RFC 8032 §7.3, Ed25519ph, message "abc", empty context
    DeveloperKey key =
        DeveloperKey.fromSeed(
            HexFormat.of()
                .parseHex("833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42"));
    byte[] sig = key.sign("abc".getBytes(StandardCharsets.US_ASCII), "");
    assertThat(HexFormat.of().formatHex(sig))
        .isEqualTo(
            "98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae41"
                + "31f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406");
    assertThat(key.verifyingKey().verify("abc".getBytes(), sig, "")).isTrue();
    assertThat(key.verifyingKey().verify("abc".getBytes(), sig, "s9pk")).isFalse();
  }

  @Test
  void opensslKeysLoadAndAgreeOnThePublicKey(@TempDir Path dir) throws Exception {
    Path pem = dir.resolve("k.pem");
    Process gen =
        new ProcessBuilder("openssl", "genpkey", "-algorithm", "ed25519", "-out", pem.toString())
            .start();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        gen.waitFor(20, TimeUnit.SECONDS) && gen.exitValue() == 0, "openssl missing");
    Process pub = new ProcessBuilder("openssl", "pkey", "-in", pem.toString(), "-pubout").start();
    String publicPem = new String(pub.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    pub.waitFor();
    DeveloperKey key = DeveloperKey.load(pem);
    assertThat(key.verifyingKey().pem()).isEqualTo(publicPem);
    assertThat(VerifyingKey.fromPem(publicPem)).isEqualTo(key.verifyingKey());
    // OpenSSL 3.0 cannot read the PKCS#8 v2 form (with public key) that StartOS writes, so the
    // reverse direction is pinned by the byte-level test above instead
  }

  @Test
  void malformedKeysAreRejectedWithSpecificMessages() {
    assertThatThrownBy(() -> DeveloperKey.fromPem("hello"))
        .isInstanceOf(S9pkException.class)
        .hasMessageContaining("PEM block labelled PRIVATE KEY");
    assertThatThrownBy(() ->
            DeveloperKey.fromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
        .isInstanceOf(S9pkException.class)
        .hasMessageContaining("not a PKCS#8 Ed25519 key");
    DeveloperKey a = RandomTrees.key(1);
    DeveloperKey b = RandomTrees.key(2);
    String mixed =
        a.pem()
            .replace(pemBody(a).substring(0, 10), pemBody(a).substring(0, 10)); // unchanged sanity
    assertThat(DeveloperKey.fromPem(mixed).seed()).isEqualTo(a.seed());
    byte[] der = Ed25519Pem.decode("PRIVATE KEY", a.pem());
    System.arraycopy(b.verifyingKey().bytes(), 0, der, der.length - 32, 32);
    assertThatThrownBy(() -> DeveloperKey.fromPem(Ed25519Pem.encode("PRIVATE KEY", der)))
        .isInstanceOf(S9pkException.class)
        .hasMessageContaining("does not match its seed");
    assertThatThrownBy(() -> DeveloperKey.fromSeed(new byte[31]))
        .isInstanceOf(S9pkException.class)
        .hasMessageContaining("32 bytes, got 31");
  }

  private static String pemBody(DeveloperKey k) {
    return k.pem().split("\n")[1];
  }
}
