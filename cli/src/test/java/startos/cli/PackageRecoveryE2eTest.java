package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import startos.daemon.Config;
import startos.daemon.Startd;

/**
 * Recovery paths against a real startd and real LXC, driven through start-cli: {@code package
 * cancel-install} of an install held in its init (test-packages/slow-init), and hello-world's
 * container runtime killed from the host coming back on its own.
 */
@Timeout(240)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PackageRecoveryE2eTest {
  private static final String PASSWORD = "correct horse battery";
  private static final String ID = "slow-init";
  private static final Path REPO = findRepo();
  private static final Path PACKAGE = REPO.resolve("test-packages").resolve(ID);
  private static final Path HELLO = REPO.resolve("test-packages").resolve("hello-world");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private Path dir;
  private Path dataDir;
  private Path noCookie;
  private Startd startd;
  private CliRun cli;
  private Path s9pk;
  private Path hello;

  @BeforeAll
  void start() throws Exception {
    assumeTrue(E2eSystem.isRoot(), "needs root: containers are made with LXC as root");
    assumeTrue(E2eSystem.onPath("lxc-start"), "needs LXC (lxc-start on PATH)");
    assumeTrue(E2eSystem.onPath("nft"), "needs nftables (nft on PATH)");
    for (Path pkg : List.of(PACKAGE, HELLO)) {
      assumeTrue(
          Files.isRegularFile(pkg.resolve("javascript/index.js"))
              && Files.isDirectory(pkg.resolve("build/image-busybox/bin")),
          "test package " + pkg.getFileName() + " is not built: run test-packages/build.sh");
    }
    assumeTrue(
        Files.isRegularFile(Config.defaultRuntimeImage()),
        "container runtime image " + Config.defaultRuntimeImage() + " is not built");
    // not @TempDir: that is private to root, and the containers' mapped root must traverse it
    dir = Files.createTempDirectory(Path.of("/tmp"), "startos-cancel-e2e");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    dataDir = Files.createDirectories(dir.resolve("data")).toAbsolutePath();
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
    noCookie = Files.createDirectories(dir.resolve("no-cookie"));
    startd = Startd.start(E2eStartd.config(dataDir));
    cli = new CliRun(Files.createDirectories(dir.resolve("home")));
    ok(
        cli.env("PASSWORD", PASSWORD)
            .run("-H", url(), "setup", "execute", "--name", "E2E", "--hostname", "e2e-box"));
    ok(run("setup", "complete"));
    ok(cli.run("-H", url(), "--data-dir", noCookie.toString(), "auth", "login"));
    cli.without("PASSWORD");
    ok(cli.run("init-key"));
    s9pk = pack(PACKAGE);
    hello = pack(HELLO);
  }

  private Path pack(Path pkg) {
    Path out = dir.resolve(pkg.getFileName() + ".s9pk");
    ok(
        cli.run(
            "s9pk",
            "pack",
            pkg.toString(),
            "-o",
            out.toString(),
            "--image",
            "busybox=" + pkg.resolve("build/image-busybox")));
    return out;
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
  void cancelInstallStopsASideloadInItsInitLeavesNothingAndALaterInstallWorks() throws Exception {
    Path volume = E2eStartd.volume(dataDir, ID, "main");
    CompletableFuture<CliRun.Result> install = sideloadUntilInitWaits(volume);
    JsonNode entry = dump().path("packageData").path(ID);
    assertThat(entry.at("/stateInfo/state").asText()).isEqualTo("installing");

    long t0 = System.nanoTime();
    var cancel = run("package", "cancel-install", ID);
    System.out.printf(
        "e2e: cancel-install during init took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    ok(cancel);
    assertThat(cancel.out()).contains("cancelled the install of " + ID);
    CliRun.Result installed = install.get();
    assertThat(installed.exitCode()).as(installed.toString()).isNotZero();
    assertThat(installed.err()).contains("the install of " + ID + " was cancelled");

    assertThat(dump().path("packageData").has(ID)).isFalse();
    assertThat(Files.exists(dataDir.resolve("packages").resolve(ID))).isFalse();
    assertThat(E2eSystem.mountsUnder(dataDir)).isEmpty();
    assertThat(E2eSystem.run("lxc-ls", "-P", dataDir.resolve("lxc").toString())).doesNotContain(ID);
    assertThat(run("--format", "json", "notification", "list").out())
        .doesNotContain("Installing Failed");
    var again = run("package", "cancel-install", ID);
    assertThat(again.exitCode()).isNotZero();
    assertThat(again.err()).contains("no install of " + ID + " is in progress");

    // the same package installs afterwards (this time its init is let through)
    install = sideloadUntilInitWaits(volume);
    Files.writeString(volume.resolve("init-go"), "go\n");
    CliRun.Result second = install.get();
    ok(second);
    assertThat(dump().at("/packageData/" + ID + "/stateInfo/state").asText())
        .isEqualTo("installed");
    ok(run("package", "uninstall", ID));
  }

  /**
   * The runtime's node process killed from the host (found through the container's cgroup):
   * statusInfo shows the error at once with nothing started and no health, then startd brings the
   * service back healthy on its own and clears the error; desired stays running throughout.
   */
  @Test
  void aKilledRuntimeOfHelloWorldComesBackHealthyOnItsOwn() throws Exception {
    ok(run("package", "install", "-s", hello.toString()));
    ok(run("package", "start", "hello-world"));
    awaitHealthy();
    long node = E2eStartd.nodePid("hello-world");
    long t0 = System.nanoTime();
    assertThat(ProcessHandle.of(node).map(ProcessHandle::destroyForcibly)).contains(true);
    boolean sawError = false;
    while (true) {
      JsonNode st = dump().at("/packageData/hello-world/statusInfo");
      assertThat(st.at("/desired/main").asText()).isEqualTo("running");
      boolean error = st.at("/error/details").isTextual();
      if (error) {
        sawError = true;
        assertThat(st.at("/error/details").asText()).contains("exited unexpectedly");
        assertThat(st.path("started").isNull()).as(st.toString()).isTrue();
        assertThat(st.path("health").size()).as(st.toString()).isZero();
      } else if (sawError && healthy(st)) {
        break;
      }
      if (System.nanoTime() - t0 > Duration.ofSeconds(60).toNanos()) {
        fail("hello-world did not come back; status " + st);
      }
      Thread.sleep(100);
    }
    System.out.printf(
        "e2e: hello-world's node killed -> healthy again in %d ms%n",
        (System.nanoTime() - t0) / 1_000_000);
    assertThat(E2eStartd.nodePid("hello-world")).isNotEqualTo(node);
    int port =
        dump()
            .at("/packageData/hello-world/hosts")
            .valueStream()
            .map(h -> h.at("/bindings/80/net/assignedPort"))
            .filter(JsonNode::canConvertToInt)
            .map(JsonNode::asInt)
            .findFirst()
            .orElseThrow();
    HttpResponse<String> page =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://" + E2eStartd.hostAddress() + ":" + port + "/"))
                .timeout(Duration.ofSeconds(3))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    var logs = run("package", "logs", "hello-world", "-l", "200");
    ok(logs);
    assertThat(logs.out()).contains("restarting hello-world in 1 s");
    ok(run("package", "uninstall", "hello-world"));
  }

  private static boolean healthy(JsonNode status) {
    JsonNode health = status.path("health");
    return health.size() > 0
        && health.valueStream().allMatch(c -> c.path("result").asText().equals("success"));
  }

  private void awaitHealthy() throws Exception {
    await(
        "hello-world healthy",
        () -> {
          try {
            return healthy(dump().at("/packageData/hello-world/statusInfo"));
          } catch (IOException e) {
            return false;
          }
        });
  }

  private CompletableFuture<CliRun.Result> sideloadUntilInitWaits(Path volume) throws Exception {
    CompletableFuture<CliRun.Result> install =
        CompletableFuture.supplyAsync(() -> run("package", "install", "-s", s9pk.toString()));
    await(
        "the install's init waiting on its seam",
        () -> Files.exists(volume.resolve("init-waiting")) || install.isDone());
    assertThat(install).as("install ended before its init waited").isNotDone();
    return install;
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  private JsonNode dump() throws IOException {
    var r = run("--format", "json", "db", "dump");
    ok(r);
    return RpcClient.JSON.readTree(r.out()).path("value");
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

  private static Path findRepo() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("test-packages"))) {
      p = p.getParent();
    }
    return p == null ? Path.of("/work/main") : p;
  }
}
