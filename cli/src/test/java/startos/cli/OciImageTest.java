package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.s9pk.merkle.ExternalTool;

/** Images given as OCI layouts and docker-archives, written by hand: two layers, with whiteouts. */
class OciImageTest {
  @TempDir Path dir;

  @BeforeEach
  void tools() {
    assumeTrue(ExternalTool.which("tar").isPresent(), "tar not installed");
    assumeTrue(ExternalTool.which("mksquashfs").isPresent(), "squashfs-tools not installed");
  }

  /** Layer 1 has old files; layer 2 deletes one, makes a dir opaque, adds new ones. */
  private Path[] layers() throws Exception {
    Path l1 = dir.resolve("l1");
    Files.createDirectories(l1.resolve("bin"));
    Files.writeString(l1.resolve("bin/tool"), "#!/bin/sh\n");
    Files.createDirectories(l1.resolve("etc"));
    Files.writeString(l1.resolve("etc/old.conf"), "old");
    Files.writeString(l1.resolve("etc/kept.conf"), "kept");
    Files.createDirectories(l1.resolve("data/opaque"));
    Files.writeString(l1.resolve("data/opaque/x.txt"), "hidden by opaque");
    Path l2 = dir.resolve("l2");
    Files.createDirectories(l2.resolve("etc"));
    Files.writeString(l2.resolve("etc/.wh.old.conf"), "");
    Files.writeString(l2.resolve("etc/new.conf"), "new");
    Files.createDirectories(l2.resolve("data/opaque"));
    Files.writeString(l2.resolve("data/opaque/.wh..wh..opq"), "");
    Files.writeString(l2.resolve("data/opaque/y.txt"), "y");
    Path t1 = dir.resolve("layer1.tar");
    Path t2 = dir.resolve("layer2.tar.gz");
    TestPackage.run(dir, "tar", "-cf", t1.toString(), "-C", l1.toString(), ".");
    TestPackage.run(dir, "tar", "-czf", t2.toString(), "-C", l2.toString(), ".");
    return new Path[] {t1, t2};
  }

  private static ObjectNode config() {
    ObjectNode c = RpcClient.JSON.createObjectNode();
    c.put("architecture", "amd64").put("os", "linux");
    ObjectNode cfg = c.putObject("config");
    cfg.putArray("Env").add("PATH=/bin").add("FOO=bar");
    cfg.put("WorkingDir", "/data").put("User", "1000");
    cfg.putArray("Entrypoint").add("/bin/tool");
    cfg.putArray("Cmd").add("serve");
    return c;
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static ObjectNode descriptor(Path blobs, byte[] content, String mediaType)
      throws Exception {
    String hex = sha256(content);
    Files.write(blobs.resolve(hex), content);
    ObjectNode d = RpcClient.JSON.createObjectNode();
    d.put("mediaType", mediaType).put("digest", "sha256:" + hex).put("size", content.length);
    return d;
  }

  private Path ociTarball() throws Exception {
    Path[] layers = layers();
    Path layout = dir.resolve("oci");
    Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
    ObjectNode manifest = RpcClient.JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.set(
        "config",
        descriptor(
            blobs,
            Output.compact(config()).getBytes(),
            "application/vnd.oci.image.config.v1+json"));
    ArrayNode ls = manifest.putArray("layers");
    ls.add(
        descriptor(blobs, Files.readAllBytes(layers[0]), "application/vnd.oci.image.layer.v1.tar"));
    ls.add(
        descriptor(
            blobs, Files.readAllBytes(layers[1]), "application/vnd.oci.image.layer.v1.tar+gzip"));
    ObjectNode index = RpcClient.JSON.createObjectNode();
    index.put("schemaVersion", 2);
    ObjectNode entry =
        descriptor(
            blobs,
            Output.compact(manifest).getBytes(),
            "application/vnd.oci.image.manifest.v1+json");
    entry.putObject("platform").put("architecture", "amd64").put("os", "linux");
    index.putArray("manifests").add(entry);
    Files.writeString(layout.resolve("index.json"), Output.compact(index));
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Path tar = dir.resolve("image.tar");
    TestPackage.run(dir, "tar", "-cf", tar.toString(), "-C", layout.toString(), ".");
    return tar;
  }

  private static void assertMergedLayers(Path rootfs) throws Exception {
    assertThat(rootfs.resolve("bin/tool")).exists();
    assertThat(rootfs.resolve("etc/kept.conf")).hasContent("kept");
    assertThat(rootfs.resolve("etc/new.conf")).hasContent("new");
    assertThat(rootfs.resolve("etc/old.conf")).doesNotExist();
    assertThat(rootfs.resolve("data/opaque/x.txt")).doesNotExist();
    assertThat(rootfs.resolve("data/opaque/y.txt")).hasContent("y");
    try (var all = Files.walk(rootfs)) {
      assertThat(all.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".wh."));
    }
  }

  @Test
  void ociTarballLayersApplyInOrderWithWhiteouts() throws Exception {
    var u = startos.s9pk.manifest.ImageUnpacker.unpack(ociTarball(), "x86_64", dir.resolve("work"));
    assertMergedLayers(u.rootfs());
    assertThat(new String(u.metadata().toJson()))
        .isEqualTo(
            "{\"workdir\":\"/data\",\"user\":\"1000\",\"entrypoint\":[\"/bin/tool\"],\"cmd\":[\"serve\"]}");
    assertThat(new String(u.env().toBytes())).isEqualTo("PATH=/bin\nFOO=bar");
  }

  @Test
  void ociImageWithoutTheWantedArchNamesWhatItHas() throws Exception {
    Path tar = ociTarball();
    var e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            startos.s9pk.merkle.S9pkException.class,
            () -> startos.s9pk.manifest.ImageUnpacker.unpack(tar, "aarch64", dir.resolve("work2")));
    assertThat(e).hasMessageContaining("has no aarch64 (arm64) variant; it has: [amd64]");
  }

  @Test
  void corruptBlobIsDetected() throws Exception {
    Path tar = ociTarball();
    Path layout = dir.resolve("oci");
    try (var blobs = Files.list(layout.resolve("blobs/sha256"))) {
      for (Path b : blobs.toList()) {
        if (Files.size(b) > 1000) {
          Files.writeString(b, "tampered");
        }
      }
    }
    var e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            startos.s9pk.merkle.S9pkException.class,
            () ->
                startos.s9pk.manifest.ImageUnpacker.unpack(layout, "x86_64", dir.resolve("work3")));
    assertThat(e).hasMessageContaining("has a corrupt blob");
    assertThat(tar).exists();
  }

  @Test
  void dockerArchiveLayersApplyInOrderWithWhiteouts() throws Exception {
    Path[] layers = layers();
    Path archive = Files.createDirectories(dir.resolve("docker"));
    Files.createDirectories(archive.resolve("a"));
    Files.createDirectories(archive.resolve("b"));
    Files.copy(layers[0], archive.resolve("a/layer.tar"));
    Files.copy(layers[1], archive.resolve("b/layer.tar"));
    Files.writeString(archive.resolve("cfg.json"), Output.compact(config()));
    Files.writeString(
        archive.resolve("manifest.json"),
        "[{\"Config\":\"cfg.json\",\"RepoTags\":[\"t:1\"],\"Layers\":[\"a/layer.tar\",\"b/layer.tar\"]}]");
    Path tar = dir.resolve("docker.tar");
    TestPackage.run(dir, "tar", "-cf", tar.toString(), "-C", archive.toString(), ".");
    var u = startos.s9pk.manifest.ImageUnpacker.unpack(tar, "x86_64", dir.resolve("work"));
    assertMergedLayers(u.rootfs());
    assertThat(u.metadata().user()).isEqualTo("1000");
  }

  @Test
  void whiteoutsCannotReachThroughSymlinks() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Files.writeString(outside.resolve("precious"), "keep me");
    Path archive = Files.createDirectories(dir.resolve("docker"));
    Path l1 = Files.createDirectories(dir.resolve("s1"));
    Files.createSymbolicLink(l1.resolve("link"), outside);
    Path l2 = Files.createDirectories(dir.resolve("s2/link"));
    Files.writeString(l2.resolve(".wh.precious"), "");
    TestPackage.run(dir, "tar", "-cf", archive.resolve("1.tar").toString(), "-C", "s1", ".");
    TestPackage.run(dir, "tar", "-cf", archive.resolve("2.tar").toString(), "-C", "s2", ".");
    Files.writeString(archive.resolve("cfg.json"), Output.compact(config()));
    Files.writeString(
        archive.resolve("manifest.json"),
        "[{\"Config\":\"cfg.json\",\"RepoTags\":[\"t:1\"],\"Layers\":[\"1.tar\",\"2.tar\"]}]");
    var e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            startos.s9pk.merkle.S9pkException.class,
            () ->
                startos.s9pk.manifest.ImageUnpacker.unpack(archive, "x86_64", dir.resolve("work")));
    assertThat(e)
        .hasMessageContaining("reaches through the symlink link out of the root filesystem");
    assertThat(outside.resolve("precious")).hasContent("keep me");
  }

  @Test
  void packWithAnOciTarballStoresItsConfigBesideTheSquashfs() throws Exception {
    assumeTrue(ExternalTool.which("node").isPresent(), "node not installed");
    assumeTrue(TestPackage.hostArch().equals("x86_64"), "the test image is amd64");
    CliRun cli = new CliRun(Files.createDirectories(dir.resolve("home")));
    Path key = dir.resolve("key.pem");
    cli.run("--developer-key-path", key.toString(), "init-key");
    Path pkg = TestPackage.write(dir, "oci-test", "{ dockerTag: \"oci:latest\" }");
    Path out = dir.resolve("oci.s9pk");
    var r =
        cli.run(
            "--developer-key-path",
            key.toString(),
            "s9pk",
            "pack",
            pkg.toString(),
            "--image",
            "main=" + ociTarball(),
            "-o",
            out.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(cli.run("s9pk", "inspect", out.toString(), "cat", "images/x86_64/main.env").out())
        .isEqualTo("PATH=/bin\nFOO=bar");
    Path sq = dir.resolve("main.squashfs");
    Files.write(
        sq,
        cli.run("s9pk", "inspect", out.toString(), "cat", "images/x86_64/main.squashfs").bytes());
    String listing = TestPackage.run(dir, "unsquashfs", "-l", sq.toString());
    assertThat(listing).contains("squashfs-root/etc/new.conf", "squashfs-root/data/opaque/y.txt");
    assertThat(listing).doesNotContain("old.conf", "x.txt", ".wh.");
  }
}
