package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import startos.daemon.Config;
import startos.daemon.Startd;

/**
 * SDK-built packages (test-packages/) packed by our start-cli and run by a real startd in real LXC
 * containers, driven only through start-cli, HTTP to the service and {@code db dump}.
 */
@Timeout(240)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackageLifecycleE2eTest {
  private static final String PASSWORD = "correct horse battery";
  private static final Path REPO = findRepo();
  private static final Path PACKAGES = REPO.resolve("test-packages");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Path dir;
  private Path dataDir;
  private Path noCookie;
  private Startd startd;
  private CliRun cli;
  private Path packed;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(E2eSystem.isRoot(), "needs root: containers are made with LXC as root");
    assumeTrue(E2eSystem.onPath("lxc-start"), "needs LXC (lxc-start on PATH)");
    assumeTrue(E2eSystem.onPath("nft"), "needs nftables (nft on PATH)");
    for (String pkg : new String[] {"hello-world", "init-fails", "crasher"}) {
      assumeTrue(
          Files.isRegularFile(PACKAGES.resolve(pkg).resolve("javascript/index.js"))
              && Files.isDirectory(PACKAGES.resolve(pkg).resolve("build/image-busybox/bin")),
          "test package " + pkg + " is not built: run test-packages/build.sh");
    }
    assumeTrue(
        Files.isRegularFile(Config.defaultRuntimeImage()),
        "container runtime image "
            + Config.defaultRuntimeImage()
            + " is not built: run npm-projects.d/container-runtime.sh");

    // not @TempDir: that is private to root, and the containers' mapped root must traverse it
    dir = Files.createTempDirectory(Path.of("/tmp"), "startos-e2e");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    dataDir = Files.createDirectories(dir.resolve("data")).toAbsolutePath();
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
    noCookie = Files.createDirectories(dir.resolve("no-cookie"));
    packed = Files.createDirectories(dir.resolve("packed"));
    startd = Startd.start(Config.of(dataDir, "127.0.0.1:0"));
    cli = new CliRun(Files.createDirectories(dir.resolve("home")));
    var exec =
        cli.env("PASSWORD", PASSWORD)
            .run("-H", url(), "setup", "execute", "--name", "E2E", "--hostname", "e2e-box");
    assertThat(exec.exitCode()).as(exec.toString()).isZero();
    ok(run("setup", "complete"));
    ok(cli.run("-H", url(), "--data-dir", noCookie.toString(), "auth", "login"));
    cli.without("PASSWORD");
    ok(cli.run("init-key"));

    pack(PACKAGES.resolve("hello-world"), "hello-world_1.1.0.s9pk", "hello-world");
    pack(PACKAGES.resolve("hello-world/build/v1.0.0"), "hello-world_1.0.0.s9pk", "hello-world");
    pack(PACKAGES.resolve("init-fails"), "init-fails.s9pk", "init-fails");
    pack(PACKAGES.resolve("crasher"), "crasher.s9pk", "crasher");
  }

  @AfterAll
  void stop() throws IOException {
    if (startd != null) {
      startd.close();
    }
    if (dir != null && E2eSystem.mountsUnder(dir).isEmpty()) {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  @Order(1)
  void helloWorldRunsSurvivesARestartDowngradesAndUninstallsCleanly() throws Exception {
    long t0 = System.nanoTime();
    var install =
        run("package", "install", "-s", packed.resolve("hello-world_1.1.0.s9pk").toString());
    ok(install);
    log("install 1.1.0", t0);
    assertThat(run("package", "list").out()).contains("hello-world").contains("1.1.0");
    assertThat(run("package", "installed-version", "hello-world").out().strip())
        .isEqualTo("1.1.0:0");

    t0 = System.nanoTime();
    ok(run("package", "start", "hello-world"));
    awaitHealthy("hello-world");
    log("start -> healthy", t0);
    int port = assignedPort("hello-world");
    assertThat(get(port))
        .hasValueSatisfying(page -> assertThat(page).contains("Hello World 1.1.0"));

    ok(run("package", "stop", "hello-world"));
    awaitDb(
        "hello-world stopped",
        db ->
            status(db, "hello-world").path("desired").path("main").asText().equals("stopped")
                && !serving(port));
    assertThat(refused(port)).as("connection to the stopped service is refused").isTrue();
    assertThat(status(dump(), "hello-world").path("started").isNull())
        .as("started is cleared on stop")
        .isTrue();

    t0 = System.nanoTime();
    ok(run("package", "start", "hello-world"));
    awaitHealthy("hello-world");
    log("restart -> healthy", t0);
    assertThat(get(assignedPort("hello-world"))).isPresent();

    // a new startd on the same data: the service comes back by itself
    startd.close();
    assertThat(
            E2eSystem.run(
                "lxc-ls", "--running", "-P", dataDir.resolve("lxc/containers").toString()))
        .as("containers stop with startd")
        .doesNotContain("hello-world");
    assertThat(E2eSystem.mountsUnder(dataDir)).as("mounts while startd is down").isEmpty();
    t0 = System.nanoTime();
    startd = Startd.start(Config.of(dataDir, "127.0.0.1:0"));
    ok(
        cli.env("PASSWORD", PASSWORD)
            .run("-H", url(), "--data-dir", noCookie.toString(), "auth", "login"));
    cli.without("PASSWORD");
    awaitHealthy("hello-world");
    log("new startd -> healthy", t0);
    int portAfterRestart = assignedPort("hello-world");
    assertThat(get(portAfterRestart)).isPresent();

    // rebuild: a fresh container from the installed package, running again as the user wanted
    String startedBefore = status(dump(), "hello-world").path("started").asText();
    t0 = System.nanoTime();
    ok(run("package", "rebuild", "hello-world"));
    awaitDb(
        "hello-world restarted by the rebuild",
        db -> {
          JsonNode st = status(db, "hello-world");
          return st.path("started").isTextual()
              && !st.path("started").asText().equals(startedBefore);
        });
    awaitHealthy("hello-world");
    log("rebuild -> healthy", t0);
    assertThat(get(assignedPort("hello-world"))).isPresent();
    Path volume = dataDir.resolve("packages/hello-world/volumes/main");
    String initLogBefore = readIfExists(volume.resolve("init.log"));
    System.out.println("e2e: init.log before the downgrade:\n" + initLogBefore);
    assertThat(initLogBefore).contains("install 1.1.0:0");

    // downgrade: 1.0.0 over 1.1.0
    t0 = System.nanoTime();
    ok(run("package", "install", "-s", packed.resolve("hello-world_1.0.0.s9pk").toString()));
    log("install 1.0.0 over 1.1.0", t0);
    assertThat(run("package", "installed-version", "hello-world").out().strip())
        .isEqualTo("1.0.0:0");
    assertThat(readIfExists(volume.resolve("init.log")))
        .as("volume content written by 1.1.0 survives the downgrade")
        .startsWith(initLogBefore);
    System.out.println(
        "e2e: init.log after the downgrade:\n" + readIfExists(volume.resolve("init.log")));
    assertThat(readIfExists(volume.resolve("init.log")).strip()).endsWith("update 1.0.0:0");
    awaitHealthy("hello-world");
    assertThat(get(assignedPort("hello-world")))
        .as("the service runs again after the downgrade, now as 1.0.0")
        .hasValueSatisfying(page -> assertThat(page).contains("Hello World 1.0.0"));

    // up again: 1.1.0's up migration leaves its marker; down again: its down migration removes it
    ok(run("package", "install", "-s", packed.resolve("hello-world_1.1.0.s9pk").toString()));
    assertThat(volume.resolve("migrated-to-1.1.0")).as("1.1.0's up migration ran").exists();
    assertThat(readIfExists(volume.resolve("init.log")).strip()).endsWith("update 1.1.0:0");
    ok(run("package", "install", "-s", packed.resolve("hello-world_1.0.0.s9pk").toString()));
    assertThat(volume.resolve("migrated-to-1.1.0")).as("1.1.0's down migration ran").doesNotExist();
    assertThat(run("package", "installed-version", "hello-world").out().strip())
        .isEqualTo("1.0.0:0");
    awaitHealthy("hello-world");

    var logs = run("package", "logs", "hello-world", "-l", "20");
    ok(logs);
    assertThat(logs.out().lines().filter(l -> l.matches("^\\d{4}-\\d\\d-\\d\\dT.*")))
        .as(logs.out())
        .isNotEmpty()
        .anyMatch(l -> l.contains("Starting Hello World"));

    String ip =
        E2eSystem.run(
                "lxc-info",
                "-n",
                "hello-world",
                "-P",
                dataDir.resolve("lxc/containers").toString(),
                "-iH")
            .strip();
    assertThat(ip).as("hello-world's container address").matches("[0-9.]+");
    assertThat(E2eSystem.run("nft", "list", "ruleset")).as("its port forward").contains(ip);
    ok(run("package", "uninstall", "hello-world"));
    awaitDb("hello-world gone", db -> !db.path("packageData").has("hello-world"));
    assertNothingLeftOf("hello-world", ip);
  }

  @Test
  @Order(2)
  void aFailingInitIsReportedWithThePackagesMessageAndLeavesNothing() throws Exception {
    var r = run("package", "install", "-s", packed.resolve("init-fails.s9pk").toString());
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    assertThat(r.err()).contains("deliberate failure during init");
    assertThat(run("--format", "json", "notification", "list").out())
        .contains("Installing Failed")
        .contains("init-fails: deliberate failure during init (test package)");
    awaitDb("init-fails gone", db -> !db.path("packageData").has("init-fails"));
    assertNothingLeftOf("init-fails", "");
  }

  /**
   * The SDK's Daemons restart a daemon that exits with a growing backoff (0 s, 1 s, 2 s, …); the
   * crasher's readiness check has no display name, so the SDK reports no health for it: the service
   * stays "running" and the crashes show in its logs.
   */
  @Test
  @Order(3)
  void aCrashingDaemonIsRestartedByTheSdkAndItsCrashesShowInTheLogs() throws Exception {
    ok(run("package", "install", "-s", packed.resolve("crasher.s9pk").toString()));
    long t0 = System.nanoTime();
    ok(run("package", "start", "crasher"));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String logs = "";
    while (System.nanoTime() < deadline && starts(logs) < 3) {
      Thread.sleep(500);
      logs = run("package", "logs", "crasher", "-l", "100").out();
    }
    log("crasher: 3 starts seen", t0);
    assertThat(starts(logs)).as(logs).isGreaterThanOrEqualTo(3);
    assertThat(logs)
        .as("the daemon's own output and the SDK's report of each exit")
        .contains("crasher: exiting with 3")
        .contains("Error: busybox exited with code 3");
    System.out.println("e2e: crasher logs:\n" + logs);
    JsonNode status = status(dump(), "crasher");
    System.out.println("crasher statusInfo: " + status);
    assertThat(status.path("desired").path("main").asText()).isEqualTo("running");
    assertThat(status.path("started").isTextual()).as(status.toString()).isTrue();
    assertThat(status.path("health").size()).as(status.toString()).isZero();
    ok(run("package", "uninstall", "crasher"));
    awaitDb("crasher gone", d -> !d.path("packageData").has("crasher"));
    assertNothingLeftOf("crasher", "");
  }

  private static long starts(String logs) {
    return logs.lines().filter(l -> l.contains("crasher: started")).count();
  }

  /**
   * A data dir the containers' root cannot reach fails the install, naming the directory to fix.
   */
  @Test
  @Order(4)
  void aDataDirContainersCannotReachIsNamedInTheError() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    try {
      var r = run("package", "install", "-s", packed.resolve("crasher.s9pk").toString());
      assertThat(r.exitCode()).as(r.toString()).isNotZero();
      assertThat(r.err()).contains("installing crasher failed: " + dir + " is not searchable");
      // the progress stream's close reason is short; the notification has all of it
      var notes = run("--format", "json", "notification", "list");
      ok(notes);
      assertThat(notes.out())
          .contains("Installing Failed")
          .contains("chmod o+x " + dir)
          .contains("(data dir " + dataDir + ")");
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }
    awaitDb("crasher not installed", d -> !d.path("packageData").has("crasher"));
    assertNothingLeftOf("crasher", "");
  }

  // ---- helpers

  private void assertNothingLeftOf(String id, String ip) throws IOException {
    assertThat(E2eSystem.mountsUnder(dataDir)).as("mounts under the data dir").isEmpty();
    assertThat(E2eSystem.run("lxc-ls", "-P", dataDir.resolve("lxc/containers").toString()))
        .doesNotContain(id);
    assertThat(E2eSystem.run("pgrep", "-af", "lxc-start.*" + id)).isBlank();
    if (!ip.isBlank()) {
      assertThat(E2eSystem.run("ip", "-o", "link")).doesNotContain(vethName(ip));
      assertThat(E2eSystem.run("nft", "list", "ruleset"))
          .as("nft rules mentioning " + ip)
          .doesNotContainPattern(java.util.regex.Pattern.quote(ip) + "(?![0-9])");
    }
    assertThat(dataDir.resolve("packages").resolve(id)).doesNotExist();
    try (Stream<Path> all = Files.walk(dataDir)) {
      assertThat(
              all.filter(p -> p.getFileName().toString().contains(id))
                  .filter(p -> !p.startsWith(dataDir.resolve("logs")))
                  .map(Path::toString))
          .as("files named after " + id)
          .isEmpty();
    }
    assertThat(run("--format", "json", "package", "list").out()).doesNotContain(id);
  }

  private static String vethName(String ip) {
    String[] o = ip.split("\\.");
    int v = 0;
    for (String s : o) {
      v = (v << 8) | Integer.parseInt(s);
    }
    return String.format("vst%08x", v);
  }

  private void pack(Path src, String out, String image) {
    var r =
        cli.run(
            "s9pk",
            "pack",
            src.toString(),
            "-o",
            packed.resolve(out).toString(),
            "--image",
            "busybox=" + PACKAGES.resolve(image).resolve("build/image-busybox"));
    ok(r);
  }

  private void awaitHealthy(String id) throws Exception {
    awaitDb(
        id + " healthy",
        db -> {
          JsonNode health = status(db, id).path("health");
          return health.size() > 0
              && health.valueStream().allMatch(c -> c.path("result").asText().equals("success"));
        });
  }

  private JsonNode awaitDb(String what, Predicate<JsonNode> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode last = null;
    while (System.nanoTime() < deadline) {
      last = dump();
      if (done.test(last)) {
        return last;
      }
      Thread.sleep(250);
    }
    return fail("timed out waiting for " + what + "; last db: " + last);
  }

  private JsonNode dump() throws IOException {
    var r = run("--format", "json", "db", "dump");
    ok(r);
    return RpcClient.JSON.readTree(r.out()).path("value");
  }

  private static JsonNode status(JsonNode db, String id) {
    return db.path("packageData").path(id).path("statusInfo");
  }

  private int assignedPort(String id) throws IOException {
    JsonNode hosts = dump().path("packageData").path(id).path("hosts");
    return hosts
        .valueStream()
        .map(h -> h.path("bindings").path("80").path("net").path("assignedPort"))
        .filter(JsonNode::canConvertToInt)
        .map(JsonNode::asInt)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no assigned port for " + id + ": " + hosts));
  }

  private static boolean serving(int port) {
    return get(port).isPresent();
  }

  private static boolean refused(int port) {
    try (var socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 2000);
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The page at the port, or empty when the connection is refused. */
  private static Optional<String> get(int port) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      return Optional.of(r.body());
    } catch (ConnectException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static String readIfExists(Path file) throws IOException {
    return Files.isRegularFile(file) ? Files.readString(file) : "";
  }

  private CliRun.Result run(String... args) {
    return cli.run(RemoteArgs.remote(url(), noCookie, args));
  }

  private String url() {
    return startd.url().toString();
  }

  private static void ok(CliRun.Result r) {
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  private static void log(String what, long startNanos) {
    System.out.printf("e2e: %s took %d ms%n", what, (System.nanoTime() - startNanos) / 1_000_000);
  }

  private static Path findRepo() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("test-packages"))) {
      p = p.getParent();
    }
    return p == null ? Path.of("/work/main") : p;
  }
}
