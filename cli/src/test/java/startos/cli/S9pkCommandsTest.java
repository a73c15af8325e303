package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.s9pk.merkle.ExternalTool;

class S9pkCommandsTest {
  @TempDir Path dir;
  private CliRun cli;
  private Path key;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(ExternalTool.which("mksquashfs").isPresent(), "squashfs-tools not installed");
    assumeTrue(ExternalTool.which("node").isPresent(), "node not installed");
    cli = new CliRun(Files.createDirectories(dir.resolve("home")));
    key = dir.resolve("keys/developer.key.pem");
  }

  private CliRun.Result run(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--developer-key-path";
    all[1] = key.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    return cli.run(all);
  }

  private Path packed() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/busybox")), "busybox not installed");
    assertThat(run("init-key").exitCode()).isZero();
    Path pkg = TestPackage.write(dir, "hello-test", "{ dockerTag: \"hello:latest\" }");
    Path rootfs = TestPackage.busyboxRootfs(dir);
    Path out = dir.resolve("hello.s9pk");
    var r = run("s9pk", "pack", pkg.toString(), "--image", "main=" + rootfs, "-o", out.toString());
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.err())
        .contains("Packing javascript", "Packing image main", "packed hello-test 1.0.0:0");
    return out;
  }

  @Test
  void initKeyCreatesOnceAndPubkeyPrintsThePublicPem() {
    var first = run("init-key");
    assertThat(first.out()).startsWith("New developer key generated at " + key);
    assertThat(run("init", "key").out()).startsWith("Developer key already exists at " + key);
    var pub = run("pubkey");
    assertThat(pub.exitCode()).isZero();
    assertThat(pub.out())
        .startsWith("-----BEGIN PUBLIC KEY-----\n")
        .endsWith("-----END PUBLIC KEY-----\n");
  }

  @Test
  void packedArchiveHoldsEveryIngredientAndTheImageRootfs() throws Exception {
    Path out = packed();
    var tree = run("s9pk", "inspect", out.toString(), "file-tree");
    String arch = TestPackage.hostArch();
    assertThat(tree.out().lines())
        .contains(
            "manifest.json",
            "icon.png",
            "LICENSE.md",
            "instructions.md",
            "javascript.squashfs",
            "assets.squashfs",
            "images/" + arch + "/main.squashfs",
            "images/" + arch + "/main.json",
            "images/" + arch + "/main.env");
    JsonNode manifest =
        RpcClient.JSON.readTree(
            run("--format", "json", "s9pk", "inspect", out.toString(), "manifest").out());
    assertThat(manifest.path("id").asText()).isEqualTo("hello-test");
    assertThat(manifest.path("images").path("main").path("source").asText()).isEqualTo("packed");
    assertThat(run("s9pk", "inspect", out.toString(), "cat", "LICENSE.md").out())
        .isEqualTo("MIT License\n");
    assertThat(run("s9pk", "inspect", out.toString(), "cat", "images/" + arch + "/main.json").out())
        .isEqualTo("{\"workdir\":\"/\",\"user\":\"root\",\"entrypoint\":null,\"cmd\":null}");
    var c = run("--format", "json", "s9pk", "inspect", out.toString(), "commitment");
    assertThat(RpcClient.JSON.readTree(c.out()).path("rootSighash").asText()).isNotEmpty();

    Path sq = dir.resolve("main.squashfs");
    Files.write(
        sq,
        run("s9pk", "inspect", out.toString(), "cat", "images/" + arch + "/main.squashfs").bytes());
    assertThat(TestPackage.run(dir, "unsquashfs", "-l", sq.toString()))
        .contains("squashfs-root/bin/busybox");
  }

  @Test
  void editManifestReSignsAndKeepsTheRest() throws Exception {
    Path out = packed();
    var r = run("s9pk", "edit", out.toString(), "manifest", ".title = \"Renamed\"");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    JsonNode m =
        RpcClient.JSON.readTree(
            run("--format", "json", "s9pk", "inspect", out.toString(), "manifest").out());
    assertThat(m.path("title").asText()).isEqualTo("Renamed");
    assertThat(run("s9pk", "inspect", out.toString(), "cat", "LICENSE.md").out())
        .isEqualTo("MIT License\n");
    var patch =
        run(
            "s9pk",
            "edit",
            out.toString(),
            "manifest",
            "[{\"op\":\"replace\",\"path\":\"/license\",\"value\":\"Apache-2.0\"}]");
    assertThat(patch.exitCode()).as(patch.toString()).isZero();
    assertThat(run("s9pk", "inspect", out.toString(), "manifest").out()).contains("\"Apache-2.0\"");
  }

  @Test
  void editThatBreaksTheManifestChangesNothing() throws Exception {
    Path out = packed();
    byte[] before = Files.readAllBytes(out);
    var r = run("s9pk", "edit", out.toString(), "manifest", ".id = \"Not Valid\"");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("the edited manifest is invalid, nothing was changed");
    assertThat(Files.readAllBytes(out)).isEqualTo(before);
  }

  @Test
  void b3sumMatchesTheB3sumTool() throws Exception {
    Path f = dir.resolve("data.bin");
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(7).nextBytes(data);
    Files.write(f, data);
    String mapped = cli.run("util", "b3sum", f.toString()).out().strip();
    String streamed = cli.run("util", "b3sum", "--no-mmap", f.toString()).out().strip();
    assertThat(mapped).hasSize(64).isEqualTo(streamed);
    if (ExternalTool.which("b3sum").isPresent()) {
      assertThat(TestPackage.run(dir, "b3sum", "--no-names", f.toString()).strip())
          .isEqualTo(mapped);
    }
  }

  @Test
  void packWithoutKeySaysHowToMakeOne() throws Exception {
    Path pkg = TestPackage.write(dir, "hello-test", "{ dockerTag: \"x\" }");
    var r = run("s9pk", "pack", pkg.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.LOCAL_ERROR.code());
    assertThat(r.err()).contains("no developer key found", "start-cli init-key");
  }

  @Test
  void packWithoutBuiltJavascriptSaysToBuildIt() throws Exception {
    run("init-key");
    Path pkg = TestPackage.write(dir, "hello-test", "{ dockerTag: \"x\" }");
    Files.delete(pkg.resolve("javascript/index.js"));
    var r = run("s9pk", "pack", pkg.toString());
    assertThat(r.err()).contains("index.js", "build the package's javascript first");
    assertThat(pkg.resolve("hello-test.s9pk")).doesNotExist();
  }

  @Test
  void imageOptionForAnUnknownImageIsRejected() throws Exception {
    run("init-key");
    Path pkg = TestPackage.write(dir, "hello-test", "{ dockerTag: \"x\" }");
    var r = run("s9pk", "pack", pkg.toString(), "--image", "nope=" + dir);
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("the manifest has no image \"nope\" (it has: [main])");
  }

  @Test
  void inspectingSomethingThatIsNotAnS9pkIsAClearError() throws Exception {
    Path bogus = dir.resolve("bogus.s9pk");
    Files.writeString(bogus, "definitely not an archive", StandardCharsets.UTF_8);
    var r = cli.run("s9pk", "inspect", bogus.toString(), "manifest");
    assertThat(r.exitCode()).isEqualTo(ExitCode.LOCAL_ERROR.code());
    assertThat(r.err()).contains(bogus + " is not a valid s9pk");
  }

  @Test
  void listIngredientsNamesTheInputs() throws Exception {
    Path pkg = TestPackage.write(dir, "hello-test", "{ dockerTag: \"x\" }");
    var r = cli.run("s9pk", "list-ingredients", pkg.toString());
    assertThat(r.out().lines())
        .contains(
            pkg.resolve("javascript/index.js").toString(),
            pkg.resolve("icon.png").toString(),
            pkg.resolve("LICENSE.md").toString(),
            pkg.resolve("instructions.md").toString(),
            pkg.resolve("assets").toString());
  }

  @Test
  void officialSdkReaderAcceptsThePackedArchive() throws Exception {
    Path compat = Path.of("..", "test-tools", "sdk-compat").toAbsolutePath().normalize();
    assumeTrue(
        Files.isDirectory(compat.resolve("node_modules/@start9labs/start-sdk")),
        "test-tools/sdk-compat has no node_modules (npm ci there first)");
    Path out = packed();
    String arch = TestPackage.hostArch();
    Path jobs = dir.resolve("jobs.json");
    Files.writeString(
        jobs,
        "[{\"path\":\""
            + out
            + "\",\"sdk\":true,\"positions\":[0,3,40,160,400],\"files\":[\"manifest.json\",\"icon.png\","
            + "\"LICENSE.md\",\"javascript.squashfs\",\"images/"
            + arch
            + "/main.squashfs\"]}]");
    String result = TestPackage.run(compat, "node", "s9pk-verify.mjs", jobs.toString());
    assertThat(result.strip()).isEqualTo("{\"path\":\"" + out + "\",\"ok\":true,\"accepted\":[]}");
  }
}
