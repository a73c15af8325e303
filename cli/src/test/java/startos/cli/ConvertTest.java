package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.s9pk.merkle.DeveloperKey;
import startos.s9pk.merkle.ExternalTool;

class ConvertTest {
  @TempDir Path dir;

  private static final String V1_MANIFEST =
      """
      {"eos-version":"0.3.5.1","id":"hello-world","title":"Hello World","version":"0.3.6.2",
       "description":{"short":"Short","long":"Long"},"assets":{"icon":"icon.svg"},
       "release-notes":"notes","license":"MIT","wrapper-repo":"https://github.com/x/w",
       "upstream-repo":"https://github.com/x/u","marketing-site":null,"donation-url":null,
       "main":{"type":"docker","image":"main","entrypoint":"/init","gpu-acceleration":false},
       "health-checks":{},"volumes":{"main":{"type":"data"}},"backup":{},"dependencies":{},
       "hardware-requirements":{"arch":["x86_64"]}}
      """;

  /** A v1 archive as StartOS 0.3 wrote it: header, table, sections signed with Ed25519ph. */
  private static byte[] v1(DeveloperKey key, Map<String, byte[]> sections) {
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

  /** {@code docker save} of start9/hello-world/main:0.3.6.2: two layers, the second a whiteout. */
  private byte[] dockerSave() throws Exception {
    Path l1 = Files.createDirectories(dir.resolve("l1/etc"));
    Files.writeString(l1.resolve("old.conf"), "old");
    Files.writeString(l1.resolve("kept.conf"), "kept");
    Path l2 = Files.createDirectories(dir.resolve("l2/etc"));
    Files.writeString(l2.resolve(".wh.old.conf"), "");
    Files.writeString(l2.resolve("new.conf"), "new");
    Path save = Files.createDirectories(dir.resolve("save"));
    TestPackage.run(dir, "tar", "-cf", save.resolve("1.tar").toString(), "-C", "l1", ".");
    TestPackage.run(dir, "tar", "-cf", save.resolve("2.tar").toString(), "-C", "l2", ".");
    Files.writeString(
        save.resolve("config.json"),
        "{\"architecture\":\"amd64\",\"config\":{\"Env\":[\"A=1\"],\"WorkingDir\":\"/etc\"}}");
    Files.writeString(
        save.resolve("manifest.json"),
        "[{\"Config\":\"config.json\",\"RepoTags\":[\"start9/hello-world/main:0.3.6.2\"],"
            + "\"Layers\":[\"1.tar\",\"2.tar\"]}]");
    Path tar = dir.resolve("docker_images.tar");
    TestPackage.run(dir, "tar", "-cf", tar.toString(), "-C", "save", ".");
    return Files.readAllBytes(tar);
  }

  private Path writeV1() throws Exception {
    return writeV1(dockerSave());
  }

  private Path writeV1(byte[] dockerImages) throws Exception {
    Path assets = Files.createDirectories(dir.resolve("assets-src"));
    Files.writeString(assets.resolve("hello.txt"), "hi");
    Path assetsTar = dir.resolve("assets.tar");
    TestPackage.run(dir, "tar", "-cf", assetsTar.toString(), "-C", assets.toString(), ".");
    Map<String, byte[]> s = new LinkedHashMap<>();
    s.put("manifest", new CBORMapper().writeValueAsBytes(RpcClient.JSON.readTree(V1_MANIFEST)));
    s.put("license", "MIT license".getBytes(StandardCharsets.UTF_8));
    s.put("instructions", "# Instructions".getBytes(StandardCharsets.UTF_8));
    s.put("icon", "<svg/>".getBytes(StandardCharsets.UTF_8));
    s.put("docker_images", dockerImages);
    s.put("assets", Files.readAllBytes(assetsTar));
    s.put("scripts", "export const main = 1".getBytes(StandardCharsets.UTF_8));
    Path file = dir.resolve("hello.s9pk");
    Files.write(file, v1(DeveloperKey.generate(), s));
    return file;
  }

  private CliRun.Result run(CliRun cli, String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--developer-key-path";
    all[1] = dir.resolve("key.pem").toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return cli.run(all);
  }

  @Test
  void v1IsConvertedInPlaceWithItsImages() throws Exception {
    assumeTrue(ExternalTool.which("mksquashfs").isPresent(), "squashfs-tools not installed");
    CliRun cli = new CliRun(Files.createDirectories(dir.resolve("home")));
    run(cli, "init-key");
    Path file = writeV1();
    var r = run(cli, "s9pk", "convert", file.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err()).doesNotContain("warning");
    assertThat(r.out()).contains("converted hello-world 0.3.6:2 to v2: " + file);
    assertThat(Files.readAllBytes(file)[2]).isEqualTo((byte) 2);
    assertThat(run(cli, "s9pk", "inspect", file.toString(), "cat", "LICENSE.md").out())
        .isEqualTo("MIT license");
    var manifest =
        RpcClient.JSON.readTree(run(cli, "s9pk", "inspect", file.toString(), "manifest").out());
    assertThat(manifest.path("images").path("main").path("arch").toString())
        .isEqualTo("[\"x86_64\"]");
    assertThat(run(cli, "s9pk", "inspect", file.toString(), "cat", "images/x86_64/main.env").out())
        .isEqualTo("A=1");
    assertThat(run(cli, "s9pk", "convert", file.toString()).out()).contains("already a v2 s9pk");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("tmp"));
    }
  }

  @Test
  void aBrokenImageSectionFailsTheConversionAndKeepsTheOriginal() throws Exception {
    assumeTrue(ExternalTool.which("mksquashfs").isPresent(), "squashfs-tools not installed");
    CliRun cli = new CliRun(Files.createDirectories(dir.resolve("home")));
    run(cli, "init-key");
    Path file = writeV1("not really a tar".getBytes(StandardCharsets.UTF_8));
    byte[] before = Files.readAllBytes(file);
    var r = run(cli, "s9pk", "convert", file.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.LOCAL_ERROR.code());
    assertThat(r.err()).contains("could not be converted", "tar");
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains("tmp") || n.startsWith("v1-convert"));
    }
  }

  @Test
  void tamperedV1IsRejectedAndLeftAlone() throws Exception {
    CliRun cli = new CliRun(Files.createDirectories(dir.resolve("home")));
    run(cli, "init-key");
    Path file = writeV1();
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length - 1] ^= 1;
    Files.write(file, bytes);
    var r = run(cli, "s9pk", "convert", file.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.LOCAL_ERROR.code());
    assertThat(r.err()).contains("could not be converted", "signature");
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
  }
}
