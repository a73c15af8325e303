package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import startos.container.ContainerBackend;
import startos.daemon.Config;
import startos.daemon.Startd;
import startos.notification.Notifications;
import startos.service.ServiceManager;
import startos.service.ServiceSettings;
import startos.ssl.CertStore;

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
  private ServiceManager manager;
  private Path home;

  @BeforeAll
  void start() throws Exception {
    Path dataDir = dir.resolve("data").toAbsolutePath();
    startd = Startd.start(Config.of(dataDir, "127.0.0.1:0"));
    home = Files.createDirectories(dir.resolve("home"));
    Files.createDirectories(dir.resolve("no-cookie"));
    if (startd.router().route("setup.execute").isEmpty()) {
      new startos.setup.SetupApi(startd.db()).register(startd.router());
    }
    if (startd.router().route("package.list").isEmpty()) {
      var db = startd.db();
      manager =
          new ServiceManager(
              db,
              noContainers(),
              new CertStore(db),
              new Notifications(db),
              startd.continuations(),
              ServiceSettings.defaults(dataDir, dataDir.resolve("no-runtime.squashfs")));
      manager.register(startd.router());
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
    if (manager != null) {
      manager.close();
    }
    startd.close();
  }

  private static ContainerBackend noContainers() {
    return (ContainerBackend)
        Proxy.newProxyInstance(
            ContainerBackend.class.getClassLoader(),
            new Class<?>[] {ContainerBackend.class},
            (proxy, method, args) -> {
              if (method.getReturnType() == List.class) {
                return List.of();
              }
              throw new UnsupportedOperationException("no containers in this test");
            });
  }

  private CliRun.Result run(String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "-H";
    all[1] = startd.url().toString();
    all[2] = "--data-dir";
    all[3] = dir.resolve("no-cookie").toString();
    System.arraycopy(args, 0, all, 4, args.length);
    return PackageArgsTest.run(home, all);
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
  void aRealPackageShowsEachInstallPhaseUntilTheMissingContainerStopsIt() throws Exception {
    assumeTrue(Tools.which("mksquashfs").isPresent(), "squashfs-tools not installed");
    assumeTrue(Tools.which("node").isPresent(), "node not installed");
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

    // the daemon sends at most one frame per 200 ms, so a quick phase may show only its "done"
    assertThat(r.err())
        .as(r.toString())
        .contains("Uploading: done\n", "Verifying: done\n")
        .endsWith("error: install failed: no containers in this test\n");
    assertThat(r.exitCode()).isEqualTo(ExitCode.SERVER_ERROR.code());
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
