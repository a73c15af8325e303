package startos.s9pk.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.s9pk.merkle.ByteSource;
import startos.s9pk.merkle.DeveloperKey;
import startos.s9pk.merkle.RandomTrees;
import startos.s9pk.merkle.S9pkArchive;
import startos.s9pk.merkle.S9pkException;
import startos.s9pk.merkle.VectorTest;

class V1ConversionTest {
  static final String V1_MANIFEST =
      """
      {"eos-version":"0.3.5.1","id":"hello-world","title":"Hello World","version":"0.3.6.2",
       "description":{"short":"Short","long":"Long"},"assets":{"icon":"icon.svg"},
       "release-notes":"notes","license":"MIT","wrapper-repo":"https://github.com/x/w",
       "upstream-repo":"https://github.com/x/u","marketing-site":null,"donation-url":null,
       "main":{"type":"docker","image":"main","entrypoint":"/init","gpu-acceleration":false},
       "health-checks":{},"volumes":{"main":{"type":"data"},"certs":{"type":"certificate"}},
       "backup":{},"dependencies":{"bitcoind":{"version":">=0.21","requirement":{"type":"opt-in","how":"x"},"description":"chain"}},
       "hardware-requirements":{"arch":["x86_64"],"device":{"display":".*"}}}
      """;

  /** A v1 archive: header, TOC, then sections, signed (Ed25519ph, "s9pk") over the sections. */
  static byte[] v1(DeveloperKey key, Map<String, byte[]> sections) {
    int tocLen = 0;
    for (String label : sections.keySet()) {
      tocLen += 1 + label.length() + 16;
    }
    long pos = 3 + 32 + 64 + 4 + tocLen;
    ByteArrayOutputStream toc = new ByteArrayOutputStream();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> e : sections.entrySet()) {
      toc.write(e.getKey().length());
      toc.writeBytes(e.getKey().getBytes(StandardCharsets.UTF_8));
      toc.writeBytes(ByteBuffer.allocate(16).putLong(pos).putLong(e.getValue().length).array());
      body.writeBytes(e.getValue());
      pos += e.getValue().length;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {0x3b, 0x3b, 0x01});
    out.writeBytes(key.verifyingKey().bytes());
    out.writeBytes(key.sign(body.toByteArray(), "s9pk"));
    out.writeBytes(ByteBuffer.allocate(4).putInt(tocLen).array());
    out.writeBytes(toc.toByteArray());
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  static Map<String, byte[]> sections(Path dir) throws Exception {
    JsonNode manifest = new ObjectMapper().readTree(V1_MANIFEST);
    Path assets = dir.resolve("assets-src");
    Files.createDirectories(assets);
    Files.writeString(assets.resolve("hello.txt"), "hi");
    Process tar = new ProcessBuilder("tar", "-cf", "-", "-C", assets.toString(), ".").start();
    byte[] tarBytes = tar.getInputStream().readAllBytes();
    tar.waitFor();
    Map<String, byte[]> s = new LinkedHashMap<>();
    s.put("manifest", new CBORMapper().writeValueAsBytes(manifest));
    s.put("license", "MIT license".getBytes());
    s.put("instructions", "# Instructions".getBytes());
    s.put("icon", "<svg/>".getBytes());
    s.put(
        "docker_images",
        Files.readAllBytes(
            V1Images.dockerSave(dir, "main", "amd64", V1Images.layers(dir, "main"))));
    s.put("assets", tarBytes);
    s.put("scripts", "export const main = 1".getBytes());
    return s;
  }

  @Test
  void v1SignatureIsCheckedOverEverythingAfterTheTable(@TempDir Path dir) throws Exception {
    byte[] good = v1(VectorTest.key(), sections(dir));
    try (S9pkV1 v1 = S9pkV1.open(ByteSource.of(good))) {
      assertThat(v1.signer()).isEqualTo(VectorTest.key().verifyingKey());
      assertThat(v1.labels()).contains("manifest", "scripts");
      assertThat(v1.manifest().get("id").asText()).isEqualTo("hello-world");
    }
    byte[] bad = good.clone();
    bad[bad.length - 1] ^= 1;
    assertThatThrownBy(() -> S9pkV1.open(ByteSource.of(bad)))
        .isInstanceOf(S9pkException.class)
        .hasMessageContaining("v1 signature verification failed");
    Map<String, byte[]> missing = sections(dir);
    missing.remove("license");
    assertThatThrownBy(() -> S9pkV1.open(ByteSource.of(v1(VectorTest.key(), missing))))
        .hasMessageContaining("lacks the required section license");
  }

  @Test
  void v1ManifestMapsToV2LikeStartOs() throws Exception {
    Manifest m = V1Conversion.manifest(new ObjectMapper().readTree(V1_MANIFEST));
    assertThat(m.id()).isEqualTo("hello-world");
    assertThat(m.version()).isEqualTo("0.3.6:2");
    assertThat(m.title()).isEqualTo("Hello World (Legacy)");
    assertThat(m.volumes()).containsExactly("embassy", "main");
    assertThat(m.dependencies().get("bitcoind").optional()).isTrue();
    assertThat(m.marketingUrl()).contains("https://github.com/x/u");
    assertThat(m.osVersion()).isEqualTo("0.3.5.1");
    assertThat(V1Conversion.version("25.0.0", "bitcoind", "Bitcoin Knots"))
        .isEqualTo("#knots:25.0.0:0");
    assertThat(V1Conversion.version("0.17.4.1", "lnd", "LND")).isEqualTo("0.17.4-beta:1");
  }

  @Test
  void convertsToASignedV2ArchiveWithEverySection(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(
        new ProcessBuilder("mksquashfs", "-version").start().waitFor() == 0, "mksquashfs missing");
    byte[] bytes = v1(RandomTrees.key(3), sections(dir));
    Path out = dir.resolve("converted.s9pk");
    DeveloperKey serverKey = RandomTrees.key(4);
    V1Conversion.Result result;
    try (S9pkV1 v1 = S9pkV1.open(ByteSource.of(bytes))) {
      result = V1Conversion.convert(v1, serverKey, dir, out);
    }
    assertThat(result.notConverted()).isEmpty();
    try (S9pkArchive a = S9pkArchive.open(out)) {
      assertThat(a.signer()).isEqualTo(serverKey.verifyingKey());
      assertThat(a.commitment()).isEqualTo(result.commitment());
      assertThat(Manifest.of(a).title()).isEqualTo("Hello World (Legacy)");
      assertThat(a.read("LICENSE.md")).isEqualTo("MIT license".getBytes());
      assertThat(a.read("icon.svg")).isEqualTo("<svg/>".getBytes());
      assertThat(new String(a.read("javascript.squashfs"), 0, 4, StandardCharsets.US_ASCII))
          .isEqualTo("hsqs");
      assertThat(new String(a.read("assets.squashfs"), 0, 4, StandardCharsets.US_ASCII))
          .isEqualTo("hsqs");
      assertThat(Manifest.of(a).validate(a).keep())
          .contains("javascript.squashfs", "images/x86_64/main.squashfs");
    }
  }
}
