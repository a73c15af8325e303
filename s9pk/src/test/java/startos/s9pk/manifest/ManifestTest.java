package startos.s9pk.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.s9pk.merkle.ArchiveEntry;
import startos.s9pk.merkle.ByteSource;
import startos.s9pk.merkle.S9pkArchive;
import startos.s9pk.merkle.S9pkBuilder;
import startos.s9pk.merkle.S9pkException;
import startos.s9pk.merkle.VectorTest;

public class ManifestTest {
  public static final String EXAMPLE =
      """
      {"id":"hello-world","title":"Hello World","version":"2.0.0:6","satisfies":[],
       "canMigrateTo":"!","canMigrateFrom":"*","license":"MIT",
       "packageRepo":"https://github.com/Start9Labs/hello-world-startos",
       "upstreamRepo":"https://github.com/Start9Labs/hello-world","marketingUrl":"https://start9.com/",
       "donationUrl":null,"description":{"short":{"en_US":"Short"},"long":{"en_US":"Long"}},
       "releaseNotes":{"en_US":"notes","de_DE":"Notizen"},"gitHash":"abc123","osVersion":"0.4.0-beta.10","sdkVersion":"2.0.0",
       "hardwareAcceleration":false,"userspaceFilesystems":false,"virtualNetworking":false,"plugins":[],
       "images":{"main":{"source":"packed","arch":["x86_64","aarch64"],"emulateMissingAs":"x86_64","nvidiaContainer":false}},
       "volumes":["main"],"dependencies":{},"hardwareRequirements":{"device":[],"ram":null,"arch":null},
       "alerts":{"install":"hi"}}
      """;

  static Manifest example() {
    return Manifest.parse(EXAMPLE.getBytes(StandardCharsets.UTF_8));
  }

  /** A complete package for {@code manifest} with images for the given arches. */
  public static S9pkBuilder pkg(String manifestJson, String... arches) {
    S9pkBuilder b =
        S9pkBuilder.create()
            .add("manifest.json", manifestJson.getBytes(StandardCharsets.UTF_8))
            .add("icon.png", new byte[] {(byte) 0x89, 'P', 'N', 'G'})
            .add("LICENSE.md", "MIT".getBytes())
            .add("instructions.md", "# Use it".getBytes())
            .add("javascript.squashfs", "js".getBytes())
            .add("assets.squashfs", "assets".getBytes());
    for (String arch : arches) {
      b.add("images/" + arch + "/main.squashfs", ("img-" + arch).getBytes());
      b.add(
          "images/" + arch + "/main.json",
          new ImageMetadata("/", "root", Optional.empty(), Optional.of(List.of("serve"))).toJson());
      b.add("images/" + arch + "/main.env", new ImageEnv(List.of("PATH=/bin")).toBytes());
    }
    return b;
  }

  @Test
  void parsesTheDocumentedExampleAndKeepsUnknownFields() {
    Manifest m = example();
    assertThat(m.id()).isEqualTo("hello-world");
    assertThat(m.version()).isEqualTo("2.0.0:6");
    assertThat(m.releaseNotes().localized("de_DE")).isEqualTo("Notizen");
    assertThat(m.releaseNotes().localized("de_AT")).isEqualTo("Notizen");
    assertThat(m.releaseNotes().localized("fr_FR")).isEqualTo("notes");
    assertThat(m.images().get("main").emulateMissingAs()).contains("x86_64");
    assertThat(m.extra()).containsKey("alerts");
    Manifest again = Manifest.parse(m.toJson());
    assertThat(again).isEqualTo(m);
    ObjectNode json = again.toJsonNode();
    assertThat(json.get("alerts").get("install").asText()).isEqualTo("hi");
    assertThat(json.get("gitHash").asText()).isEqualTo("abc123");
  }

  @Test
  void badManifestsGetSpecificMessages() {
    assertThatThrownBy(() -> Manifest.parse("{not json".getBytes()))
        .isInstanceOf(S9pkException.class)
        .hasMessageContaining("manifest.json is not valid JSON");
    assertThatThrownBy(() -> Manifest.parse("[1]".getBytes()))
        .hasMessageContaining("must be a JSON object");
    assertThatThrownBy(
            () -> Manifest.parse(EXAMPLE.replace("\"id\":\"hello-world\",", "").getBytes()))
        .hasMessageContaining("missing required field `id`");
    assertThatThrownBy(
            () -> Manifest.parse(EXAMPLE.replace("\"volumes\":[\"main\"],", "").getBytes()))
        .hasMessageContaining("missing required field `volumes`");
    assertThatThrownBy(
            () -> Manifest.parse(EXAMPLE.replace("hello-world\"", "Hello_World\"").getBytes()))
        .hasMessageContaining("id 'Hello_World' must be lowercase");
    assertThatThrownBy(() ->
            Manifest.parse(EXAMPLE.replace("\"title\":\"Hello World\"", "\"title\":5").getBytes()))
        .hasMessageContaining("`title` must be a string");
  }

  @Test
  void archiveManifestNotJsonIsRejected() {
    byte[] bytes = pkg("{oops", "x86_64").toBytes(VectorTest.key());
    try (S9pkArchive a = S9pkArchive.open(ByteSource.of(bytes))) {
      assertThatThrownBy(() -> Manifest.of(a))
          .hasMessageContaining("manifest.json is not valid JSON");
    }
  }

  @Test
  void validationFollowsTheArchRules() {
    Manifest m = example();
    try (S9pkArchive a =
        S9pkArchive.open(
            ByteSource.of(pkg(EXAMPLE, "x86_64", "aarch64").toBytes(VectorTest.key())))) {
      Manifest.Validation v = m.validate(a);
      assertThat(v.keep()).contains("manifest.json", "icon.png", "images/aarch64/main.env");
      assertThat(v.warnings()).isEmpty();
    }
    // aarch64 missing but emulateMissingAs x86_64 covers it
    try (S9pkArchive a =
        S9pkArchive.open(ByteSource.of(pkg(EXAMPLE, "x86_64").toBytes(VectorTest.key())))) {
      assertThat(m.validateFor("aarch64", a).keep()).contains("images/x86_64/main.squashfs");
    }
    String noEmulate =
        EXAMPLE.replace("\"emulateMissingAs\":\"x86_64\"", "\"emulateMissingAs\":null");
    try (S9pkArchive a =
        S9pkArchive.open(ByteSource.of(pkg(noEmulate, "x86_64").toBytes(VectorTest.key())))) {
      assertThatThrownBy(() -> Manifest.of(a).validate(a))
          .hasMessageContaining("`emulateMissingAs` required");
      assertThatThrownBy(() -> Manifest.of(a).validateFor("aarch64", a))
          .hasMessageContaining("file images/aarch64/main.squashfs missing from archive");
    }
    String badEmulate =
        EXAMPLE.replace("\"emulateMissingAs\":\"x86_64\"", "\"emulateMissingAs\":\"riscv64\"");
    try (S9pkArchive a =
        S9pkArchive.open(ByteSource.of(pkg(badEmulate, "x86_64").toBytes(VectorTest.key())))) {
      assertThatThrownBy(() -> Manifest.of(a).validate(a))
          .hasMessageContaining("must match an included `arch`");
    }
    String hwArch = noEmulate.replace("\"arch\":null", "\"arch\":[\"x86_64\",\"riscv64\"]");
    try (S9pkArchive a =
        S9pkArchive.open(ByteSource.of(pkg(hwArch, "x86_64").toBytes(VectorTest.key())))) {
      assertThatThrownBy(() -> Manifest.of(a).validate(a))
          .hasMessageContaining("images/riscv64/main.squashfs missing");
    }
  }

  @Test
  void iconLicenseAndJavascriptAreRequired() {
    Manifest m = example();
    S9pkBuilder noIcon = pkg(EXAMPLE, "x86_64", "aarch64");
    noIcon.remove("icon.png");
    noIcon.add("icon.txt", "x".getBytes());
    check(noIcon, m, "icon with an image extension");
    S9pkBuilder twoIcons = pkg(EXAMPLE, "x86_64", "aarch64").add("icon.svg", "<svg/>".getBytes());
    check(twoIcons, m, "more than one file matching icon");
    S9pkBuilder noLicense = pkg(EXAMPLE, "x86_64", "aarch64");
    noLicense.remove("LICENSE.md");
    check(noLicense, m, "file LICENSE.md missing from archive");
    S9pkBuilder noJs = pkg(EXAMPLE, "x86_64", "aarch64");
    noJs.remove("javascript.squashfs");
    check(noJs, m, "file javascript.squashfs missing from archive");
    S9pkBuilder noInstructions = pkg(EXAMPLE, "x86_64", "aarch64");
    noInstructions.remove("instructions.md");
    try (S9pkArchive a =
        S9pkArchive.open(ByteSource.of(noInstructions.toBytes(VectorTest.key())))) {
      assertThat(m.validate(a).warnings()).contains("file instructions.md missing from archive");
    }
  }

  private static void check(S9pkBuilder b, Manifest m, String message) {
    try (S9pkArchive a = S9pkArchive.open(ByteSource.of(b.toBytes(VectorTest.key())))) {
      assertThatThrownBy(() -> m.validate(a))
          .isInstanceOf(S9pkException.class)
          .hasMessageContaining(message);
    }
  }

  @Test
  void filteringToOneArchKeepsTheSignatureAndMarksOthersMissing(@TempDir Path dir) {
    Path full = dir.resolve("full.s9pk");
    pkg(EXAMPLE, "x86_64", "aarch64").write(full, VectorTest.key());
    Path filtered = dir.resolve("x86.s9pk");
    try (S9pkArchive a = S9pkArchive.open(full)) {
      Manifest.of(a).writeFilteredFor("x86_64", a, filtered);
      try (S9pkArchive f = S9pkArchive.open(filtered)) {
        assertThat(f.commitment()).isEqualTo(a.commitment());
        assertThat(f.signature()).isEqualTo(a.signature());
        assertThat(f.entry("images/aarch64").orElseThrow())
            .isInstanceOf(ArchiveEntry.Missing.class);
        assertThat(f.read("images/x86_64/main.squashfs")).isEqualTo("img-x86_64".getBytes());
        assertThat(Manifest.of(f)).isEqualTo(Manifest.of(a));
        assertThat(f.source().size()).isLessThan(a.source().size());
      }
    }
  }

  @Test
  void imageMetadataAndEnvRoundTrip() {
    ImageMetadata md =
        ImageMetadata.parse(
            "{\"workdir\":\"/app\",\"user\":\"\",\"entrypoint\":[\"/init\"],\"cmd\":null}"
                .getBytes());
    assertThat(md.user()).isEqualTo("root");
    assertThat(ImageMetadata.parse(md.toJson())).isEqualTo(md);
    assertThat(ImageMetadata.parse("{}".getBytes()).workdir()).isEqualTo("/");
    ImageEnv env = ImageEnv.parse("A=1\nB=two=2".getBytes());
    assertThat(env.entries()).containsExactly("A=1", "B=two=2");
    assertThat(new String(env.toBytes())).isEqualTo("A=1\nB=two=2");
    assertThatThrownBy(() -> ImageEnv.parse("novalue".getBytes()))
        .hasMessageContaining("not KEY=value");
  }
}
