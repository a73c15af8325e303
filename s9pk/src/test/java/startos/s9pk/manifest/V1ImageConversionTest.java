package startos.s9pk.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.s9pk.merkle.ByteSource;
import startos.s9pk.merkle.RandomTrees;
import startos.s9pk.merkle.S9pkArchive;
import startos.s9pk.merkle.S9pkException;
import startos.s9pk.merkle.SdkReaderCompatTest;
import startos.s9pk.merkle.SdkVerifier;

/** v1 conversion of the {@code docker_images} section into packed v2 images. */
class V1ImageConversionTest {
  @TempDir Path dir;

  @BeforeEach
  void tools() {
    Assumptions.assumeTrue(V1Images.toolsPresent(), "skipped: tar or squashfs-tools missing");
  }

  private Result convert(byte[] dockerImages) throws Exception {
    Map<String, byte[]> s = V1ConversionTest.sections(dir);
    s.put("docker_images", dockerImages);
    byte[] v1 = V1ConversionTest.v1(RandomTrees.key(3), s);
    Path out = dir.resolve("converted.s9pk");
    try (S9pkV1 archive = S9pkV1.open(ByteSource.of(v1))) {
      V1Conversion.Result r = V1Conversion.convert(archive, RandomTrees.key(4), dir, out);
      return new Result(out, r);
    }
  }

  private record Result(Path file, V1Conversion.Result result) {}

  @Test
  void singleArchDockerSaveBecomesAPackedSquashfsWithItsConfig() throws Exception {
    Path save = V1Images.dockerSave(dir, "amd", "amd64", V1Images.layers(dir, "amd"));
    Result r = convert(Files.readAllBytes(save));
    assertThat(r.result().notConverted()).isEmpty();
    try (S9pkArchive a = S9pkArchive.open(r.file())) {
      Manifest.ImageConfig main = Manifest.of(a).images().get("main");
      assertThat(main.arch()).containsExactly("x86_64");
      assertThat(main.source().asText()).isEqualTo("packed");
      assertThat(main.emulateMissingAs()).isEmpty();
      Path rootfs = V1Images.unsquash(dir, a.read("images/x86_64/main.squashfs"), "amd");
      assertThat(rootfs.resolve("bin/tool")).content().contains("echo amd");
      assertThat(rootfs.resolve("etc/kept.conf")).hasContent("kept");
      assertThat(rootfs.resolve("etc/new.conf")).hasContent("new amd");
      assertThat(rootfs.resolve("etc/old.conf")).doesNotExist();
      assertThat(rootfs.resolve("etc/.wh.old.conf")).doesNotExist();
      ImageMetadata meta = ImageMetadata.parse(a.read("images/x86_64/main.json"));
      assertThat(meta)
          .isEqualTo(
              new ImageMetadata(
                  "/srv",
                  "1000",
                  Optional.of(List.of("/bin/tool")),
                  Optional.of(List.of("serve"))));
      assertThat(new String(a.read("images/x86_64/main.env")))
          .isEqualTo("PATH=/bin\nGREETING=hello amd");
      assertThat(Manifest.of(a).validate(a).keep()).contains("images/x86_64/main.squashfs");
    }
    sdkVerifies(r.file());
  }

  @Test
  void multiArchSectionGivesEachArchItsOwnImage() throws Exception {
    Map<String, Path> perArch = new LinkedHashMap<>();
    perArch.put("x86_64", V1Images.dockerSave(dir, "x", "amd64", V1Images.layers(dir, "x")));
    perArch.put("aarch64", V1Images.dockerSave(dir, "a", "arm64", V1Images.layers(dir, "a")));
    Result r = convert(V1Images.multiArch(dir, perArch));
    try (S9pkArchive a = S9pkArchive.open(r.file())) {
      assertThat(Manifest.of(a).images().get("main").arch()).containsExactly("aarch64", "x86_64");
      assertThat(V1Images.unsquash(dir, a.read("images/aarch64/main.squashfs"), "a"))
          .satisfies(p -> assertThat(p.resolve("etc/new.conf")).hasContent("new a"));
      assertThat(V1Images.unsquash(dir, a.read("images/x86_64/main.squashfs"), "x"))
          .satisfies(p -> assertThat(p.resolve("etc/new.conf")).hasContent("new x"));
    }
    sdkVerifies(r.file());
  }

  @Test
  void aLayerEntryClimbingOutOfTheRootfsIsRefusedAndNothingIsWritten() throws Exception {
    Path src = Files.createDirectories(dir.resolve("evil/sub"));
    Files.writeString(dir.resolve("evil/escaped.txt"), "pwned");
    Path layer = dir.resolve("evil-layer.tar");
    V1Images.run(src, "tar", "-cPf", layer.toString(), "../escaped.txt");
    Path save = V1Images.dockerSave(dir, "evil", "amd64", List.of(layer));
    assertThatThrownBy(() -> convert(Files.readAllBytes(save)))
        .isInstanceOf(S9pkException.class)
        .hasMessageContaining("climbs out of the root filesystem")
        .hasMessageContaining("../escaped.txt");
    assertThat(dir.resolve("converted.s9pk")).doesNotExist();
    assertThat(leftoverWorkDirs()).isEmpty();
  }

  @Test
  void aWhiteoutReachingThroughASymlinkOutOfTheRootfsIsRefused() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("host"));
    Files.writeString(outside.resolve("precious"), "keep me");
    Path l1 = Files.createDirectories(dir.resolve("sl1"));
    Files.createSymbolicLink(l1.resolve("link"), outside);
    Path l2 = Files.createDirectories(dir.resolve("sl2/link"));
    Files.writeString(l2.resolve(".wh.precious"), "");
    Path t1 = dir.resolve("sl1.tar");
    Path t2 = dir.resolve("sl2.tar");
    V1Images.run(dir, "tar", "-cf", t1.toString(), "-C", l1.toString(), ".");
    V1Images.run(dir, "tar", "-cf", t2.toString(), "-C", dir.resolve("sl2").toString(), ".");
    Path save = V1Images.dockerSave(dir, "sym", "amd64", List.of(t1, t2));
    assertThatThrownBy(() -> convert(Files.readAllBytes(save)))
        .isInstanceOf(S9pkException.class)
        .hasMessageContaining("reaches through the symlink link out of the root filesystem");
    assertThat(outside.resolve("precious")).hasContent("keep me");
    assertThat(dir.resolve("converted.s9pk")).doesNotExist();
  }

  @Test
  void anImageMissingFromTheDockerArchiveIsNamedWithWhatItHas() throws Exception {
    Path save = V1Images.dockerSave(dir, "amd", "amd64", V1Images.layers(dir, "amd"));
    Map<String, byte[]> s = V1ConversionTest.sections(dir);
    s.put("docker_images", Files.readAllBytes(save));
    ObjectNode manifest = (ObjectNode) new ObjectMapper().readTree(V1ConversionTest.V1_MANIFEST);
    ((ObjectNode) manifest.get("main")).put("image", "other");
    s.put(
        "manifest",
        new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper()
            .writeValueAsBytes(manifest));
    byte[] v1 = V1ConversionTest.v1(RandomTrees.key(3), s);
    try (S9pkV1 archive = S9pkV1.open(ByteSource.of(v1))) {
      assertThatThrownBy(() ->
              V1Conversion.convert(archive, RandomTrees.key(4), dir, dir.resolve("converted.s9pk")))
          .hasMessageContaining("has no image tagged start9/hello-world/other:0.3.6.2")
          .hasMessageContaining(V1Images.TAG);
    }
    assertThat(dir.resolve("converted.s9pk")).doesNotExist();
  }

  @Test
  void aBadSignatureOrTruncatedSectionsAreRejectedBeforeConverting() throws Exception {
    Path save = V1Images.dockerSave(dir, "amd", "amd64", V1Images.layers(dir, "amd"));
    Map<String, byte[]> s = V1ConversionTest.sections(dir);
    s.put("docker_images", Files.readAllBytes(save));
    byte[] good = V1ConversionTest.v1(RandomTrees.key(3), s);
    byte[] flipped = good.clone();
    flipped[good.length - 100] ^= 0x40;
    assertThatThrownBy(() -> S9pkV1.open(ByteSource.of(flipped)))
        .isInstanceOf(S9pkException.class)
        .hasMessage("v1 signature verification failed");
    byte[] truncated = Arrays.copyOf(good, good.length - 10);
    assertThatThrownBy(() -> S9pkV1.open(ByteSource.of(truncated)))
        .isInstanceOf(S9pkException.class)
        .hasMessageContaining("points outside the archive");
    byte[] headerOnly = Arrays.copyOf(good, 50);
    assertThatThrownBy(() -> S9pkV1.open(ByteSource.of(headerOnly)))
        .isInstanceOf(S9pkException.class)
        .hasMessageContaining("v1 header");
  }

  private List<Path> leftoverWorkDirs() throws Exception {
    try (var files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("v1-convert")).toList();
    }
  }

  /** The SDK's own reader opens the converted archive and verifies every file. */
  static void sdkVerifies(Path archive) throws Exception {
    Path sdk = SdkReaderCompatTest.SDK_DIR;
    Assumptions.assumeTrue(
        Files.isDirectory(sdk.resolve("node_modules/@start9labs/start-sdk")),
        "skipped: run `npm ci` in " + sdk + " to cross-check with the SDK's reader");
    ObjectMapper json = new ObjectMapper();
    List<String> files = new ArrayList<>();
    try (S9pkArchive a = S9pkArchive.open(archive)) {
      files.addAll(a.files().keySet());
    }
    ArrayNode jobs = json.createArrayNode();
    ObjectNode job = jobs.addObject();
    job.put("path", archive.toString());
    job.set("files", json.valueToTree(files));
    job.put("sdk", true);
    job.putArray("positions");
    Path jobsFile = archive.resolveSibling("sdk-jobs.json");
    json.writeValue(jobsFile.toFile(), jobs);
    List<JsonNode> results = SdkVerifier.run(jobsFile);
    assertThat(results).hasSize(1);
    JsonNode r = results.get(0);
    assertThat(r.path("ok").asBoolean()).as("SDK reader: %s", r.get("error")).isTrue();
  }
}
