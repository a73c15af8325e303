package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import startos.daemon.Startd;
import startos.s9pk.merkle.ExternalTool;

/**
 * The package commands against the real startd and its {@code package.*} methods. No containers
 * here: what is checked is the wire (sideload upload, progress stream, errors), not a service run.
 */
@Timeout(90)
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one startd, set up once: setup hashes a password
class PackageDaemonTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir static Path dir;
  private Startd startd;
  private Path home;

  @BeforeAll
  void start() throws Exception {
    Path dataDir = dir.resolve("data").toAbsolutePath();
    startd = Startd.start(E2eStartd.config(dataDir));
    home = Files.createDirectories(dir.resolve("home"));
    Files.createDirectories(dir.resolve("no-cookie"));
    if (startd.router().route("setup.execute").isEmpty()) {
      new startos.setup.SetupApi(startd.database()).register(startd.router());
    }
    Files.createDirectories(dataDir.resolve("tmp"));
    CliRun setup = new CliRun(home).env("PASSWORD", PASSWORD);
    String host = startd.url().toString();
    String noCookie = dir.resolve("no-cookie").toString();
    var exec =
        setup.run(
            "-H",
            host,
            "--data-dir",
            noCookie,
            "setup",
            "execute",
            "--name",
            "T",
            "--hostname",
            "t-box");
    assertThat(exec.exitCode()).as(exec.toString()).isZero();
    assertThat(setup.run("-H", host, "--data-dir", noCookie, "setup", "complete").exitCode())
        .isZero();
    var login = setup.run("-H", host, "--data-dir", noCookie, "auth", "login");
    assertThat(login.exitCode()).as(login.toString()).isZero();
  }

  @AfterAll
  void stop() {
    startd.close();
  }

  private CliRun.Result run(String... args) {
    return PackageArgsTest.run(
        home, RemoteArgs.remote(startd.url(), dir.resolve("no-cookie"), args));
  }

  @Test
  void anEmptyServerListsNoPackages() {
    CliRun.Result r = run("package", "list");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("ID  VERSION  STATE  STATUS\n(none)\n");
    CliRun.Result version = run("package", "installed-version", "hello-world");
    assertThat(version.out()).isEqualTo("hello-world is not installed\n");
  }

  @Test
  void aSideloadedFileThatIsNotAPackageIsUploadedThenRefusedWithTheReason() throws Exception {
    byte[] junk = new byte[512 * 1024];
    new Random(3).nextBytes(junk);
    Path file = Files.write(dir.resolve("junk.s9pk"), junk);

    CliRun.Result r = run("package", "install", "-s", file.toString());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.SERVER_ERROR.code());
    assertThat(r.err()).contains("error: install failed: ").contains("not an s9pk");
    assertThat(run("package", "list").out()).endsWith("(none)\n");
  }

  @Test
  void aRealPackageShowsEachInstallPhaseThenTheOutcome() throws Exception {
    assumeTrue(ExternalTool.which("mksquashfs").isPresent(), "squashfs-tools not installed");
    assumeTrue(ExternalTool.which("node").isPresent(), "node not installed");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/busybox")), "busybox not installed");
    Path work = Files.createDirectories(dir.resolve("real"));
    String key = work.resolve("developer.key.pem").toString();
    assertThat(run("--developer-key-path", key, "init-key").exitCode()).isZero();
    Path pkg = TestPackage.write(work, "hello-test", "{ dockerTag: \"hello:latest\" }");
    Path s9pk = work.resolve("hello.s9pk");
    CliRun.Result pack =
        run(
            "--developer-key-path",
            key,
            "s9pk",
            "pack",
            pkg.toString(),
            "--image",
            "main=" + TestPackage.busyboxRootfs(work),
            "-o",
            s9pk.toString());
    assertThat(pack.exitCode()).as(pack.toString()).isZero();

    CliRun.Result r = run("package", "install", "-s", s9pk.toString());

    // the daemon sends at most one frame per 200 ms, so a quick phase may show only its "done";
    // whether this hand-written package then boots depends on the machine (root, LXC), which the
    // end-to-end test covers: here the CLI must show the phases and then say how it ended
    assertThat(r.err()).as(r.toString()).contains("Uploading: done\n", "Verifying: done\n");
    if (r.exitCode() == 0) {
      assertThat(r.out()).contains("installed hello.s9pk");
    } else {
      assertThat(r.exitCode()).isEqualTo(ExitCode.SERVER_ERROR.code());
      assertThat(r.err()).containsPattern("error: install failed: .+\n$");
    }
  }

  @Test
  void registryInstallsAndUnknownPackagesAnswerWithTheDaemonsSentence() {
    CliRun.Result install = run("package", "install", "hello-world");
    assertThat(install.exitCode()).isEqualTo(ExitCode.SERVER_ERROR.code());
    assertThat(install.err()).contains("package.install failed: ").contains("registry");

    CliRun.Result logs = run("package", "logs", "nope");
    assertThat(logs.exitCode()).isEqualTo(ExitCode.SERVER_ERROR.code());
    assertThat(logs.err()).contains("package nope is not installed");
  }
}
