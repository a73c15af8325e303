package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.daemon.Startd;
import startos.s9pk.merkle.ExternalTool;

/** The real startd in-process on a free port, driven only through start-cli. */
class EndToEndTest {
  private static final String PASSWORD = "correct horse battery";

  @TempDir Path dir;
  private Startd startd;
  private CliRun cli;
  private Path dataDir;

  @BeforeEach
  void start() throws Exception {
    dataDir = dir.resolve("data");
    startd = Startd.start(E2eStartd.config(dataDir));
    wireFeaturesIfMissing();
    cli = new CliRun(Files.createDirectories(dir.resolve("home")));
    Files.createDirectories(dir.resolve("no-cookie"));
  }

  // until the composition root wires setup/server/notification itself, the test does it the same
  // way
  private void wireFeaturesIfMissing() {
    if (startd.router().route("setup.execute").isEmpty()) {
      new startos.setup.SetupApi(startd.database()).register(startd.router());
    }
    if (startd.router().route("server.set-hostname").isEmpty()) {
      new startos.server.ServerApi(startd.database(), dataDir).register(startd.router());
    }
    if (startd.router().route("notification.list").isEmpty()) {
      new startos.notification.Notifications(startd.database()).register(startd.router());
    }
  }

  @AfterEach
  void stop() {
    startd.close();
  }

  /** Remote style: no local auth cookie, only what `auth login` stored. */
  private CliRun.Result run(String... args) {
    return cli.run(RemoteArgs.remote(startd.url(), dir.resolve("no-cookie"), args));
  }

  private JsonNode json(CliRun.Result r) throws Exception {
    assertThat(r.exitCode()).as(r.toString()).isZero();
    return RpcClient.JSON.readTree(r.out());
  }

  /** Runs with the password in $PASSWORD, as a script would; it is gone again afterwards. */
  private CliRun.Result withPassword(String... args) {
    var r = cli.env("PASSWORD", PASSWORD).run(args);
    cli.without("PASSWORD");
    return r;
  }

  private void setUp() {
    var exec =
        withPassword(
            "-H",
            startd.url().toString(),
            "setup",
            "execute",
            "--name",
            "Test Server",
            "--hostname",
            "test-box");
    assertThat(exec.exitCode()).as(exec.toString()).isZero();
    assertThat(exec.out()).contains("hostname test-box");
    var done = run("setup", "complete");
    assertThat(done.exitCode()).as(done.toString()).isZero();
  }

  private void login() {
    var r =
        withPassword(RemoteArgs.remote(startd.url(), dir.resolve("no-cookie"), "auth", "login"));
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("logged in to " + startd.url() + "\n");
  }

  @Test
  void foundationFlowFromSetupToLogout() throws Exception {
    var before = run("db", "dump");
    assertThat(before.exitCode()).as(before.toString()).isEqualTo(ExitCode.SETUP_REQUIRED.code());
    assertThat(before.err()).startsWith("error: setup required: ");

    setUp();

    var anonymous = run("db", "dump");
    assertThat(anonymous.exitCode()).isEqualTo(ExitCode.NOT_LOGGED_IN.code());
    assertThat(anonymous.err()).isEqualTo("error: not logged in: run `start-cli auth login`\n");

    var wrong =
        cli.env("PASSWORD", "nope nope")
            .run(
                "-H",
                startd.url().toString(),
                "--data-dir",
                dir.resolve("no-cookie").toString(),
                "auth",
                "login");
    assertThat(wrong.exitCode()).isEqualTo(ExitCode.SERVER_ERROR.code());
    assertThat(wrong.err()).contains("auth.login failed: Incorrect Password (error 7)");

    login();
    Path cookies = cli.home().resolve(".startos/.cookies.json");
    assertThat(Files.getPosixFilePermissions(cookies))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));

    JsonNode pub = RpcClient.JSON.readTree(run("db", "dump").out());
    assertThat(pub.path("serverInfo").path("hostname").asText()).isEqualTo("test-box");
    assertThat(pub.path("serverInfo").path("name").asText()).isEqualTo("Test Server");
    assertThat(
            json(run("--format", "json", "db", "dump", "--pointer", "/public/serverInfo/hostname"))
                .path("value")
                .asText())
        .isEqualTo("test-box");

    var rename = run("server", "set-hostname", "Renamed Server", "renamed-box");
    assertThat(rename.exitCode()).as(rename.toString()).isZero();
    assertThat(
            json(run("--format", "json", "db", "dump"))
                .path("value")
                .path("serverInfo")
                .path("hostname")
                .asText())
        .isEqualTo("renamed-box");

    var created = run("notification", "create", "info", "Hello", "World from the CLI");
    assertThat(created.exitCode()).as(created.toString()).isZero();
    var table = run("notification", "list");
    assertThat(table.out()).startsWith("ID").contains("info", "Hello", "World from the CLI");
    JsonNode list = json(run("--format", "json", "notification", "list"));
    assertThat(list).hasSize(1);
    assertThat(list.get(0).path("title").asText()).isEqualTo("Hello");

    assertThat(run("auth", "session", "list").out()).contains("(current)");

    var logout = run("auth", "logout");
    assertThat(logout.out()).isEqualTo("logged out of " + startd.url() + "\n");
    var after = run("notification", "list");
    assertThat(after.exitCode()).isEqualTo(ExitCode.NOT_LOGGED_IN.code());
    assertThat(after.err()).contains("not logged in: run `start-cli auth login`");
  }

  @Test
  void localAuthCookieFromTheDataDirWorksWithoutLogin() throws Exception {
    setUp();
    var r =
        cli.run(
            "-H",
            startd.url().toString(),
            "--data-dir",
            dataDir.toString(),
            "--format",
            "json",
            "db",
            "dump");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(
            RpcClient.JSON
                .readTree(r.out())
                .path("value")
                .path("serverInfo")
                .path("hostname")
                .asText())
        .isEqualTo("test-box");
  }

  @Test
  void killedSessionIsReportedAsEndedAndForgotten() throws Exception {
    setUp();
    login();
    JsonNode sessions = json(run("--format", "json", "auth", "session", "list"));
    String current = sessions.path("current").asText();
    assertThat(run("auth", "session", "kill", current).exitCode()).isZero();
    var r = run("db", "dump");
    assertThat(r.exitCode()).isEqualTo(ExitCode.NOT_LOGGED_IN.code());
    assertThat(r.err()).contains("the session ended");
    var again = run("db", "dump");
    assertThat(again.err()).contains("not logged in: run `start-cli auth login`");
  }

  @Test
  void echoAndStateAnswerWithoutLogin() {
    setUp();
    assertThat(run("echo", "hello there").out()).isEqualTo("hello there\n");
    assertThat(run("state").exitCode()).isZero();
  }

  @Test
  void dbPutUiWritesUnderUi() throws Exception {
    setUp();
    login();
    var r = run("db", "put", "ui", "/theme", "\"dark\"");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(
            json(run("--format", "json", "db", "dump", "--pointer", "/public/ui/theme"))
                .path("value")
                .asText())
        .isEqualTo("dark");
  }

  @Test
  void selectPicksThePackageBuiltForTheServersArch() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        ExternalTool.which("mksquashfs").isPresent() && ExternalTool.which("node").isPresent());
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/busybox")));
    setUp();
    login();
    Path key = dir.resolve("key.pem");
    Path rootfs = TestPackage.busyboxRootfs(dir);
    String other = TestPackage.hostArch().equals("riscv64") ? "aarch64" : "riscv64";
    Path ours = dir.resolve("ours.s9pk");
    Path theirs = dir.resolve("theirs.s9pk");
    for (var p :
        java.util.List.of(
            java.util.Map.entry(ours, TestPackage.hostArch()),
            java.util.Map.entry(theirs, other))) {
      Path pkg =
          TestPackage.write(
              dir.resolve("pkg-" + p.getValue()), "sel-test", "{ dockerTag: \"x\" }", p.getValue());
      String[] pack = {
        "--developer-key-path",
        key.toString(),
        "s9pk",
        "pack",
        pkg.toString(),
        "--image",
        "main=" + rootfs,
        "-o",
        p.getKey().toString()
      };
      var r = run(pack);
      if (!Files.exists(key)) {
        run("--developer-key-path", key.toString(), "init-key");
        r = run(pack);
      }
      assertThat(r.exitCode()).as(r.toString()).isZero();
    }
    var chosen = run("s9pk", "select", theirs.toString(), ours.toString());
    assertThat(chosen.exitCode()).as(chosen.toString()).isZero();
    assertThat(chosen.out()).isEqualTo(ours + "\n");
    var none = run("s9pk", "select", theirs.toString());
    assertThat(none.exitCode()).isEqualTo(ExitCode.LOCAL_ERROR.code());
    assertThat(none.err())
        .contains("no compatible s9pk found for device (arch: " + TestPackage.hostArch());
  }

  @Test
  void dbApplyPatchesTheDocumentAndABadPatchChangesNothing() throws Exception {
    setUp();
    login();
    var ok =
        run("db", "apply", "[{\"op\":\"add\",\"path\":\"/public/ui/cliAnswer\",\"value\":42}]");
    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(
            json(run("--format", "json", "db", "dump", "--pointer", "/public/ui/cliAnswer"))
                .path("value")
                .asInt())
        .isEqualTo(42);
    var bad = run("db", "apply", "[{\"op\":\"remove\",\"path\":\"/public/ui/nope/deeper\"}]");
    assertThat(bad.exitCode()).isEqualTo(ExitCode.SERVER_ERROR.code());
    assertThat(bad.err()).startsWith("error: db.apply failed: ");
    assertThat(
            json(run("--format", "json", "db", "dump", "--pointer", "/public/ui/cliAnswer"))
                .path("value")
                .asInt())
        .isEqualTo(42);
  }

  @Test
  void serverInformationCommandsPrintTables() throws Exception {
    setUp();
    login();
    var time = run("server", "time");
    assertThat(time.exitCode()).as(time.toString()).isZero();
    assertThat(time.out()).startsWith("now     ").contains("uptime  ");
    var metrics = run("server", "metrics");
    assertThat(metrics.exitCode()).as(metrics.toString()).isZero();
    assertThat(metrics.out()).startsWith("METRIC");
    var info = run("server", "device-info");
    assertThat(info.exitCode()).as(info.toString()).isZero();
    assertThat(info.out()).contains("hardware.arch");
  }
}
