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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import startos.container.HostNamespace;
import startos.container.Subnet;
import startos.daemon.Config;
import startos.daemon.Startd;

/**
 * A real startd on a fresh data dir, set up and logged in, driven only through start-cli, HTTP to
 * the services and {@code db dump}: the shared fixture of the end-to-end tests that run SDK-built
 * packages (test-packages/) in real LXC containers.
 */
final class E2eStartd implements AutoCloseable {
  static final String PASSWORD = "correct horse battery";
  static final Path REPO = findRepo();
  static final Path PACKAGES = REPO.resolve("test-packages");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final Path dir;
  private final Path dataDir;
  private final Path noCookie;
  private final Path packed;
  private final CliRun cli;
  private final boolean asProcess;
  private Startd startd;
  // startd as a child process (a test that SIGKILLs it): the process and the URL it printed
  private Process child;
  private String childUrl = "";
  private int launches;

  private E2eStartd(Path dir, boolean asProcess) throws IOException {
    this.dir = dir;
    this.dataDir = dir.resolve("data").toAbsolutePath();
    this.noCookie = Files.createDirectories(dir.resolve("no-cookie"));
    this.packed = Files.createDirectories(dir.resolve("packed"));
    this.cli = new CliRun(Files.createDirectories(dir.resolve("home")));
    this.asProcess = asProcess;
  }

  /** Skips the calling test unless this host can run containers and the packages are built. */
  static void assumeContainersAndPackages(String... packages) {
    assumeTrue(E2eSystem.isRoot(), "needs root: containers are made with LXC as root");
    assumeTrue(E2eSystem.onPath("lxc-start"), "needs LXC (lxc-start on PATH)");
    assumeTrue(E2eSystem.onPath("nft"), "needs nftables (nft on PATH)");
    for (String pkg : packages) {
      assumeTrue(
          Files.isRegularFile(PACKAGES.resolve(pkg).resolve("javascript/index.js")),
          "test package " + pkg + " is not built: run test-packages/build.sh");
    }
    assumeTrue(
        Files.isDirectory(PACKAGES.resolve("hello-world/build/image-busybox/bin")),
        "the busybox image of the test packages is not built: run test-packages/build.sh");
    assumeTrue(
        Files.isRegularFile(Config.defaultRuntimeImage()),
        "container runtime image "
            + Config.defaultRuntimeImage()
            + " is not built: run npm-projects.d/container-runtime.sh");
  }

  /**
   * The containers' names of the cli tests' startds: their own, so the suite never tears down the
   * bridge, table or containers of a startd running on this machine ({@code ./run}).
   */
  static final HostNamespace TEST_CONTAINERS =
      new HostNamespace(
          "sttestc0", Subnet.parse("10.214.2.1/24"), "startos_testc", "startos-testc");

  /**
   * Each install's own disk in the suite's startds (startd --max-volume-size): small, so an attack
   * that fills it is quick, and every install gets one, so volumes are always on it.
   */
  static final long VOLUME_CAP = 64L << 20;

  /**
   * The containers' names of a startd run as a child process ({@link #startProcess}): its own too,
   * because it cannot wait its turn for {@link #TEST_CONTAINERS} as the in-process ones do.
   */
  static final HostNamespace PROCESS_CONTAINERS =
      new HostNamespace(
          "sttestp0", Subnet.parse("10.214.7.1/24"), "startos_testp", "startos-testp");

  /**
   * The config of a test startd on {@code dataDir}: loopback, a free port, {@link
   * #TEST_CONTAINERS}, waiting its turn when a parallel test run holds them.
   */
  static Config config(Path dataDir) {
    return Config.of(dataDir, "127.0.0.1:0")
        .withMaxVolumeSize(java.util.Optional.of(VOLUME_CAP))
        .withContainers(TEST_CONTAINERS)
        .withClaimWait(Duration.ofMinutes(10));
  }

  /** Starts startd on a new data dir under /tmp, runs setup, logs in and makes a developer key. */
  static E2eStartd start(String prefix) throws IOException {
    return start(prefix, false);
  }

  /**
   * As {@link #start(String)} with startd as a child process of the test JVM (same classpath), so
   * that {@link #killStartd} can SIGKILL it at a bad moment as a crash or power loss would.
   */
  static E2eStartd startProcess(String prefix) throws IOException {
    return start(prefix, true);
  }

  private static E2eStartd start(String prefix, boolean asProcess) throws IOException {
    // not @TempDir: that is private to root, and the containers' mapped root must traverse it
    Path dir = Files.createTempDirectory(Path.of("/tmp"), prefix);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    Path dataDir = Files.createDirectories(dir.resolve("data")).toAbsolutePath();
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
    E2eStartd box = new E2eStartd(dir, asProcess);
    try {
      box.launch();
      var exec =
          box.cli
              .env("PASSWORD", PASSWORD)
              .run("-H", box.url(), "setup", "execute", "--name", "E2E", "--hostname", "e2e-box");
      assertThat(exec.exitCode()).as(exec.toString()).isZero();
      ok(box.run("setup", "complete"));
      ok(box.cli.run("-H", box.url(), "--data-dir", box.noCookie.toString(), "auth", "login"));
      box.cli.without("PASSWORD");
      ok(box.cli.run("init-key"));
      return box;
    } catch (RuntimeException | Error e) {
      // the caller never gets the box, so nobody else would stop this startd
      box.close();
      throw e;
    }
  }

  /** The directory holding the data dir, the packed archives and the CLI's home. */
  Path dir() {
    return dir;
  }

  Path dataDir() {
    return dataDir;
  }

  /** Stops startd (and with it every container), keeping the data dir. */
  void stopStartd() {
    if (startd != null) {
      startd.close();
      startd = null;
    }
    if (child != null) {
      child.destroy(); // SIGTERM: its shutdown hook stops the containers
      awaitExit(child);
      child = null;
    }
  }

  /**
   * SIGKILLs the child startd (see {@link #startProcess}): nothing of it runs any more, while the
   * containers it started and everything on disk stay as they were at that instant.
   */
  void killStartd() {
    assertThat(child).as("killStartd needs a startd started by startProcess").isNotNull();
    child.destroyForcibly();
    awaitExit(child);
    child = null;
  }

  /**
   * SIGTERMs the child startd (see {@link #startProcess}) as an init system stopping it would, and
   * returns its exit code. When it is still alive after {@code bound}, fails with its thread dump
   * (and SIGKILLs it): a startd that does not stop holds its container names for good.
   */
  int terminateStartd(Duration bound) throws IOException, InterruptedException {
    assertThat(child).as("terminateStartd needs a startd started by startProcess").isNotNull();
    Process p = child;
    p.destroy();
    if (!p.waitFor(bound.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
      String dump = threadDump(p.pid());
      p.destroyForcibly();
      p.waitFor();
      child = null;
      return fail(
          "startd (pid %d) still ran %d s after SIGTERM; its threads:%n%s",
          p.pid(), bound.toSeconds(), dump);
    }
    child = null;
    return p.exitValue();
  }

  private static String threadDump(long pid) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process dump =
        new ProcessBuilder(jcmd.toString(), Long.toString(pid), "Thread.print")
            .redirectErrorStream(true)
            .start();
    String text =
        new String(dump.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    dump.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
    return text;
  }

  /** The startd log of the last launch of the child startd. */
  String childLog() throws IOException {
    return readIfExists(dir.resolve("startd-" + launches + ".log"));
  }

  private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

  /**
   * Stops {@code startd} when this JVM exits before a test did (an aborted run, a failed {@code
   * AfterAll}): SIGTERM, then SIGKILL after a minute.
   */
  static void stopOnExit(Process startd) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  if (startd.isAlive()) {
                    startd.destroy();
                    awaitExit(startd);
                  }
                },
                "stop-child-startd-" + startd.pid()));
  }

  private static void awaitExit(Process p) {
    try {
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Starts startd on the data dir, in this JVM or as a child process. */
  private void launch() throws IOException {
    if (!asProcess) {
      startd = Startd.start(config(dataDir));
      return;
    }
    Path out = dir.resolve("startd-" + ++launches + ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(SETPRIV)) {
      // SIGTERM when this JVM dies, even by SIGKILL (no shutdown hook runs then): an orphaned
      // startd would keep the test's container names and make the next run's startd wait for them.
      // (The signal follows the thread that started it: the test's main thread, which lives on.)
      command.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "TERM", "--"));
    }
    command.addAll(
        List.of(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "startos.daemon.StartdMain",
            "--data-dir",
            dataDir.toString(),
            "--listen",
            "127.0.0.1:0",
            "--runtime-image",
            Config.defaultRuntimeImage().toString(),
            "--bridge",
            PROCESS_CONTAINERS.bridge(),
            "--subnet",
            PROCESS_CONTAINERS.subnet().toString(),
            "--nft-table",
            PROCESS_CONTAINERS.nftTable(),
            "--cgroup-prefix",
            PROCESS_CONTAINERS.cgroupPrefix(),
            "--max-volume-size",
            (VOLUME_CAP >> 20) + "M"));
    child =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
            .start();
    stopOnExit(child);
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    Pattern running = Pattern.compile("startd is running: open (\\S+)");
    while (System.nanoTime() < deadline) {
      var m = running.matcher(Files.readString(out));
      if (m.find()) {
        childUrl = m.group(1);
        return;
      }
      if (!child.isAlive()) {
        fail("startd exited with " + child.exitValue() + ": " + Files.readString(out));
      }
      sleep(100);
    }
    fail("startd did not start within 90 s: " + Files.readString(out));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A new startd on the same data dir, logged in again. */
  void startStartd() {
    stopStartd();
    try {
      launch();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    ok(
        cli.env("PASSWORD", PASSWORD)
            .run("-H", url(), "--data-dir", noCookie.toString(), "auth", "login"));
    cli.without("PASSWORD");
  }

  /** The host directory of an installed package's volume. */
  Path volume(String id, String volumeId) {
    return volume(dataDir, id, volumeId);
  }

  /**
   * The host directory of a volume of a package installed by a startd of the suite on {@code
   * dataDir}: on the package's own disk, which startd mounts while the package is installed (see
   * {@link #mountKeptDisk} for volumes a soft uninstall kept).
   */
  static Path volume(Path dataDir, String id, String volumeId) {
    return dataDir.resolve("packages").resolve(id).resolve("disk/volumes").resolve(volumeId);
  }

  /**
   * Mounts the disk a soft uninstall kept (startd unmounts it while the package is not installed)
   * where startd mounts it, so the test can read and change the kept volumes; startd unmounts it
   * again when it takes the package's files in hand, and reuses it when it finds it mounted.
   */
  void mountKeptDisk(String id) throws IOException {
    Path pkg = dataDir.resolve("packages").resolve(id);
    Path disk = pkg.resolve("disk");
    assertThat(pkg.resolve("disk.ext4")).as("the disk a soft uninstall kept").isRegularFile();
    if (!E2eSystem.mountsUnder(pkg).contains(disk.toString())) {
      E2eSystem.run(
          "mount", "-o", "loop,nodev,nosuid", pkg.resolve("disk.ext4").toString(), disk.toString());
    }
  }

  /** Packs a package directory with hello-world's busybox image; returns the s9pk. */
  Path pack(Path src, String out) {
    return pack(src, out, "hello-world");
  }

  /** Packs a package directory with the busybox image built for {@code imagePackage}. */
  Path pack(Path src, String out, String imagePackage) {
    return pack(src, out, imagePackage, List.of());
  }

  /** Packs with hello-world's busybox image, signed by the developer key in {@code keyFile}. */
  Path packSignedBy(Path keyFile, Path src, String out) {
    return pack(src, out, "hello-world", List.of("--developer-key-path", keyFile.toString()));
  }

  private Path pack(Path src, String out, String imagePackage, List<String> options) {
    Path file = packed.resolve(out);
    List<String> args = new ArrayList<>(options);
    args.addAll(
        List.of(
            "s9pk",
            "pack",
            src.toString(),
            "-o",
            file.toString(),
            "--image",
            "busybox=" + PACKAGES.resolve(imagePackage).resolve("build/image-busybox")));
    ok(cli.run(args.toArray(String[]::new)));
    return file;
  }

  /** start-cli as it runs on this machine, without the remote arguments of {@link #run}. */
  CliRun cli() {
    return cli;
  }

  /** start-cli against this startd, with the session cookie. */
  CliRun.Result run(String... args) {
    return cli.run(RemoteArgs.remote(url(), noCookie, args));
  }

  /** The last {@code lines} lines of a package's log. */
  String logs(String id, int lines) {
    var r = run("package", "logs", id, "-l", String.valueOf(lines));
    ok(r);
    return r.out();
  }

  JsonNode dump() throws IOException {
    var r = run("--format", "json", "db", "dump");
    ok(r);
    return RpcClient.JSON.readTree(r.out()).path("value");
  }

  JsonNode awaitDb(String what, Predicate<JsonNode> done) throws Exception {
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

  /** Waits until every health check of the package reports success. */
  void awaitHealthy(String id) throws Exception {
    awaitDb(
        id + " healthy",
        db -> {
          JsonNode health = status(db, id).path("health");
          return health.size() > 0
              && health.valueStream().allMatch(c -> c.path("result").asText().equals("success"));
        });
  }

  static JsonNode status(JsonNode db, String id) {
    return db.path("packageData").path(id).path("statusInfo");
  }

  /** The host port forwarded to the package's internal port 80. */
  int assignedPort(String id) throws IOException {
    JsonNode hosts = dump().path("packageData").path(id).path("hosts");
    return hosts
        .valueStream()
        .map(h -> h.path("bindings").path("80").path("net").path("assignedPort"))
        .filter(JsonNode::canConvertToInt)
        .map(JsonNode::asInt)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no assigned port for " + id + ": " + hosts));
  }

  /** The page at the port (asserting HTTP 200), or empty when nothing answers. */
  static Optional<String> get(int port) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://" + hostAddress() + ":" + port + "/"))
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

  /**
   * The host's own non-loopback address: package forwards never apply to 127.0.0.0/8 (there a local
   * process always reaches the host's own services).
   */
  static String hostAddress() {
    try (java.net.DatagramSocket probe = new java.net.DatagramSocket()) {
      // connecting a UDP socket only picks the route; nothing is sent
      probe.connect(new java.net.InetSocketAddress("192.0.2.123", 9));
      return probe.getLocalAddress().getHostAddress();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("no route to pick the host's own address", e);
    }
  }

  /** True when nothing listens on the port (connection refused). */
  static boolean refused(int port) {
    try (var socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress(hostAddress(), port), 2000);
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static String readIfExists(Path file) throws IOException {
    return Files.isRegularFile(file) ? Files.readString(file) : "";
  }

  /** No mount, container, process, link, nft rule, file or list entry of the package remains. */
  void assertNothingLeftOf(String id, String ip) throws IOException {
    assertThat(E2eSystem.mountsUnder(dataDir)).as("mounts under the data dir").isEmpty();
    assertThat(E2eSystem.run("lxc-ls", "-P", dataDir.resolve("lxc/containers").toString()))
        .doesNotContain(id);
    assertThat(E2eSystem.run("pgrep", "-af", "lxc-start.*" + id)).isBlank();
    if (!ip.isBlank()) {
      assertThat(E2eSystem.run("ip", "-o", "link")).doesNotContain(vethName(ip));
      assertThat(E2eSystem.run("nft", "list", "ruleset"))
          .as("nft rules mentioning " + ip)
          .doesNotContainPattern(Pattern.quote(ip) + "(?![0-9])");
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

  /** The host side of a container's veth, named after its address. */
  private static String vethName(String ip) {
    String[] o = ip.split("\\.");
    int v = 0;
    for (String s : o) {
      v = (v << 8) | Integer.parseInt(s);
    }
    return String.format("vst%08x", v);
  }

  /** The package container's address as LXC reports it (blank when it is not running). */
  String containerIp(String id) {
    return E2eSystem.run(
            "lxc-info", "-n", id, "-P", dataDir.resolve("lxc/containers").toString(), "-iH")
        .strip();
  }

  /** The host pid of the node process in the package's container (startd's cgroup names). */
  static long nodePid(String id) throws IOException {
    Path procs = Path.of("/sys/fs/cgroup/pids", TEST_CONTAINERS.cgroupPrefix() + ".payload." + id);
    try (Stream<Path> files = Files.walk(procs)) {
      for (Path p : files.filter(f -> f.endsWith("cgroup.procs")).toList()) {
        for (String line : Files.readAllLines(p)) {
          Path comm = Path.of("/proc", line.strip(), "comm");
          if (Files.exists(comm) && Files.readString(comm).strip().equals("node")) {
            return Long.parseLong(line.strip());
          }
        }
      }
    }
    return fail("no node process in " + procs);
  }

  String url() {
    return asProcess ? childUrl : startd.url().toString();
  }

  static void ok(CliRun.Result r) {
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  static void log(String what, long startNanos) {
    System.out.printf("e2e: %s took %d ms%n", what, (System.nanoTime() - startNanos) / 1_000_000);
  }

  /**
   * Stops startd (and with it every container), then deletes the directory unless mounts remain.
   */
  @Override
  public void close() throws IOException {
    stopStartd();
    if (E2eSystem.mountsUnder(dir).isEmpty()) {
      try (Stream<Path> all = Files.walk(dir)) {
        all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static Path findRepo() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("test-packages"))) {
      p = p.getParent();
    }
    return p == null ? Path.of("/work/main") : p;
  }
}
