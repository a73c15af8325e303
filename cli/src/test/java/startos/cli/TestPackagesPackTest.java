package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.s9pk.manifest.Manifest;
import startos.s9pk.merkle.S9pkArchive;

/**
 * Packs every SDK test package under {@code test-packages/} with our start-cli exactly as its
 * README says, then checks what a user (and StartOS) would see: the manifest {@code s9pk inspect}
 * prints, that the archive validates, and that the SDK's own reader verifies it.
 */
class TestPackagesPackTest {
  private static final Path ROOT = repositoryRoot();
  private static final Path PACKAGES = ROOT.resolve("test-packages");
  private static final Path SDK = ROOT.resolve("test-tools/sdk-compat");

  /** One README pack command: pack directory, image root filesystem, expected id and version. */
  private record Pkg(String dir, String image, String id, String version) {}

  private static final List<Pkg> ALL =
      List.of(
          new Pkg("hello-world", "hello-world", "hello-world", "1.1.0:0"),
          new Pkg("hello-world/build/v1.0.0", "hello-world", "hello-world", "1.0.0:0"),
          new Pkg("hello-world/build/v1.2.0-broken", "hello-world", "hello-world", "1.2.0:0"),
          new Pkg("init-fails", "init-fails", "init-fails", "1.0.0:0"),
          new Pkg("crasher", "crasher", "crasher", "1.0.0:0"),
          new Pkg("actions-demo", "actions-demo", "actions-demo", "1.0.0:0"),
          new Pkg("task-demo", "task-demo", "task-demo", "1.0.0:0"),
          new Pkg("dependent-demo", "dependent-demo", "dependent-demo", "1.0.0:0"),
          new Pkg("smtp-demo", "smtp-demo", "smtp-demo", "1.0.0:0"));

  @TempDir static Path dir;

  private static Path repositoryRoot() {
    Path d = Path.of("").toAbsolutePath();
    while (d != null && !Files.isDirectory(d.resolve("test-packages"))) {
      d = d.getParent();
    }
    return d == null ? Path.of("").toAbsolutePath() : d;
  }

  @BeforeAll
  static void built() {
    for (Pkg p : ALL) {
      Path js = PACKAGES.resolve(p.dir()).resolve("javascript/index.js");
      assumeTrue(
          Files.isRegularFile(js),
          "skipped: "
              + js
              + " is missing; build the test packages first (npm-projects.d/test-packages.sh)");
    }
    assumeTrue(
        Files.isDirectory(SDK.resolve("node_modules/@start9labs/start-sdk")),
        "skipped: "
            + SDK.resolve("node_modules")
            + " is missing; run the suite setup (npm-projects.d/*.sh) to cross-check with the SDK");
  }

  @Test
  void everyTestPackagePacksValidatesAndTheSdkReaderVerifiesIt() throws Exception {
    CliRun cli = new CliRun(Files.createDirectories(dir.resolve("home")));
    Path key = dir.resolve("developer.key.pem");
    var init = cli.run("--developer-key-path", key.toString(), "init-key");
    assertThat(init.exitCode()).as(init.toString()).isZero();
    List<Path> packed = new ArrayList<>();
    for (Pkg p : ALL) {
      Path out = dir.resolve(p.id() + "_" + p.version().replace(':', '_') + ".s9pk");
      Path image = PACKAGES.resolve(p.image()).resolve("build/image-busybox");
      assertThat(image.resolve("bin/busybox")).as("image of %s", p.dir()).exists();
      var r =
          cli.run(
              "--developer-key-path",
              key.toString(),
              "s9pk",
              "pack",
              PACKAGES.resolve(p.dir()).toString(),
              "-o",
              out.toString(),
              "--image",
              "busybox=" + image);
      assertThat(r.exitCode()).as("pack %s: %s", p.dir(), r).isZero();

      var inspect = cli.run("s9pk", "inspect", out.toString(), "manifest");
      assertThat(inspect.exitCode()).as(inspect.toString()).isZero();
      JsonNode m = RpcClient.JSON.readTree(inspect.out());
      assertThat(m.path("id").asText()).isEqualTo(p.id());
      assertThat(m.path("version").asText()).isEqualTo(p.version());
      assertThat(m.path("images").path("busybox").path("arch").toString())
          .isEqualTo("[\"x86_64\"]");
      assertThat(m.path("images").path("busybox").path("source").asText()).isEqualTo("packed");
      // without --arch, StartOS leaves hardwareRequirements.arch as the package declared it
      assertThat(m.path("hardwareRequirements").path("arch").isNull()).isTrue();

      try (S9pkArchive a = S9pkArchive.open(out)) {
        a.verifyFiles();
        assertThat(Manifest.of(a).validate(a).keep())
            .contains(
                "manifest.json",
                "javascript.squashfs",
                "images/x86_64/busybox.squashfs",
                "images/x86_64/busybox.json",
                "images/x86_64/busybox.env");
      }
      packed.add(out);
    }
    sdkReaderVerifies(packed);
  }

  private static void sdkReaderVerifies(List<Path> archives) throws Exception {
    ArrayNode jobs = RpcClient.JSON.createArrayNode();
    for (Path archive : archives) {
      ObjectNode job = jobs.addObject();
      job.put("path", archive.toString());
      ArrayNode files = job.putArray("files");
      try (S9pkArchive a = S9pkArchive.open(archive)) {
        a.files().keySet().forEach(files::add);
      }
      job.put("sdk", true);
      job.putArray("positions");
    }
    Path jobsFile = dir.resolve("sdk-jobs.json");
    RpcClient.JSON.writeValue(jobsFile.toFile(), jobs);
    Process node =
        new ProcessBuilder("node", "s9pk-verify.mjs", jobsFile.toString())
            .directory(SDK.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(node.getInputStream().readAllBytes());
    assertThat(node.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(node.exitValue()).as(out).isZero();
    List<JsonNode> results = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        results.add(RpcClient.JSON.readTree(line));
      }
    }
    assertThat(results).hasSize(archives.size());
    for (JsonNode r : results) {
      assertThat(r.path("ok").asBoolean())
          .as("SDK reader on %s: %s", r.get("path"), r.get("error"))
          .isTrue();
    }
  }
}
