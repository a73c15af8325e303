package startos.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import startos.daemon.Config;
import startos.daemon.RunningDaemon;
import startos.daemon.Startd;
import startos.daemon.StartupException;

/**
 * Real LXC containers from a busybox squashfs. Needs root and LXC; skipped otherwise. Uses its own
 * bridge, subnet, nft table and cgroup prefix so it cannot disturb a running daemon.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class LxcBackendIntegrationTest {
  private static final String CGROUP_PREFIX = "startos-it";
  private static final String TABLE = "startos_it";
  private static final String BRIDGE = "stitbr0";

  private Path work;
  private Path rootfsImage;
  private Path packageImage;
  private LxcSettings settings;
  private HostClaim claim;
  private LxcBackend backend;
  private final List<String> measurements = new ArrayList<>();

  @BeforeAll
  void setUp() throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "LXC integration tests need root; skipped as " + System.getProperty("user.name"));
    assumeTrue(
        Files.isExecutable(Path.of("/usr/bin/lxc-start")),
        "LXC integration tests need lxc-start (apt-get install lxc); skipped");
    assumeTrue(Files.isExecutable(Path.of("/bin/busybox")), "needs busybox-static; skipped");
    work = Files.createTempDirectory(Path.of("/tmp"), "startos-lxc-it");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
    rootfsImage = BusyboxImages.rootfs(work.resolve("img"));
    packageImage = BusyboxImages.packageImage(work.resolve("img"));
    settings =
        LxcSettings.defaults(work.resolve("lxc"))
            .withNetwork(BRIDGE, Subnet.parse("10.211.77.1/24"), TABLE)
            .withCgroups(CGROUP_PREFIX, Path.of("/sys/fs/cgroup"));
    claim = HostClaim.acquire(settings.namespace(), Duration.ofMinutes(10));
    backend = new LxcBackend(settings);
    backend.cleanupAll();
  }

  @AfterEach
  void destroyAll() {
    if (backend != null) {
      backend.containers().forEach(backend::destroy);
      backend.forwards().forEach(backend::unforward);
    }
  }

  @AfterAll
  void tearDown() throws IOException {
    if (backend == null) {
      return;
    }
    try {
      backend.cleanupAll();
    } finally {
      claim.close();
    }
    Path report = Path.of("target", "lxc-measurements.txt");
    Files.createDirectories(report.getParent());
    Files.write(report, measurements);
    try (Stream<Path> files = Files.walk(work)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void servesHttpFromTheContainerThroughAForwardedPortOnTheHostsAddress() throws Exception {
    int hostPort = freePort();
    long t0 = System.nanoTime();
    backend.start(web("web"));
    Inet4Address ip = backend.ip("web").orElseThrow();
    backend.forward(hostPort, ip, 80);
    String body = awaitHttp(hostPort, Duration.ofSeconds(10));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    measurements.add("start + forward -> first HTTP 200 via the host's address: " + ms + " ms");

    assertThat(body).contains("hello from busybox");
    assertThat(backend.state("web")).isEqualTo(ContainerState.RUNNING);
    assertThat(ip.getHostAddress()).startsWith("10.211.77.");
  }

  @Test
  void aHostServiceOnLoopbackKeepsItsPortWhenAPackageHasTheSamePortForwarded() throws Exception {
    int hostPort = freePort();
    backend.start(web("lo"));
    backend.forward(hostPort, backend.ip("lo").orElseThrow(), 80);
    assertThat(awaitHttp(hostPort, Duration.ofSeconds(10))).contains("hello from busybox");

    // like startd (or its local CLI cookie endpoint) bound to 127.0.0.1 after the forward exists
    try (ServerSocket hostService =
        new ServerSocket(hostPort, 5, java.net.InetAddress.getLoopbackAddress())) {
      hostService.setSoTimeout(10_000);
      Thread.ofVirtual().start(() -> answerOnce(hostService, "the host's own service\n"));
      assertThat(
              readLine(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), hostPort)))
          .isEqualTo("the host's own service");
    }
    assertThat(HostProbe.nftTable(TABLE)).contains("ip daddr != 127.0.0.0/8");
  }

  @Test
  void aPortAHostServiceListensOnIsRefusedAndKeepsAnsweringFromTheHost() throws Exception {
    backend.start(web("taken"));
    Inet4Address ip = backend.ip("taken").orElseThrow();
    try (ServerSocket startdLike = new ServerSocket(0)) {
      int port = startdLike.getLocalPort();
      startdLike.setSoTimeout(10_000);

      assertThatThrownBy(() -> backend.forward(port, ip, 80))
          .isInstanceOf(ContainerException.class)
          .hasMessageContaining("port " + port + " belongs to a service of the host");

      assertThat(backend.forwards()).isEmpty();
      Thread.ofVirtual().start(() -> answerOnce(startdLike, "startd\n"));
      assertThat(readLine(new InetSocketAddress(HostAddresses.nonLoopback(), port)))
          .isEqualTo("startd");
    }
  }

  @Test
  void aContainerThatRoutesLoopbackToItsGatewayCannotReachAHostServiceOnLoopback()
      throws Exception {
    backend.start(web("probe"));
    Inet4Address gateway = settings.subnet().gateway();
    try (ServerSocket loopbackOnly =
            new ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
        ServerSocket onTheBridge = new ServerSocket(0, 5, gateway)) {
      loopbackOnly.setSoTimeout(20_000);
      onTheBridge.setSoTimeout(20_000);
      Thread.ofVirtual().start(() -> answerOnce(loopbackOnly, "loopback secret\n"));
      Thread.ofVirtual().start(() -> answerOnce(onTheBridge, "bridge ok\n"));

      // the legitimate path: the host's address on the bridge
      ExecResult legit =
          backend.exec(
              "probe",
              "sh",
              "-c",
              "nc -w 5 "
                  + gateway.getHostAddress()
                  + " "
                  + onTheBridge.getLocalPort()
                  + " </dev/null");
      assertThat(legit.stdout()).contains("bridge ok");

      // root in its own network namespace: send 127.0.0.1 out through the gateway instead of lo
      // (with route_localnet=1 on the bridge and no guard, this reads the host's loopback service)
      ExecResult attack =
          backend.exec(
              "probe",
              "sh",
              "-c",
              "echo 1 > /proc/sys/net/ipv4/conf/all/route_localnet;"
                  + " echo 1 > /proc/sys/net/ipv4/conf/eth0/route_localnet;"
                  + " ip route del local 127.0.0.1 dev lo table local;"
                  + " ip route del local 127.0.0.0/8 dev lo table local;"
                  // else the kernel takes 127.0.0.1 as its own and drops the answer as martian
                  + " ip addr del 127.0.0.1/8 dev lo;"
                  + " ip route add 127.0.0.1/32 via "
                  + gateway.getHostAddress()
                  + " dev eth0 onlink;"
                  + " ip route get 127.0.0.1;"
                  + " nc -w 5 127.0.0.1 "
                  + loopbackOnly.getLocalPort()
                  + " </dev/null; echo nc-exit=$?");
      assertThat(attack.stdout())
          .as("the route inside the container really points at the gateway: %s", attack)
          .contains("via " + gateway.getHostAddress())
          .doesNotContain("loopback secret");
    }
  }

  @Test
  void theRuntimeImageIsReadWithoutReadAheadSoTheRuntimeMapsOnlyPagesItUses() throws Exception {
    backend.start(web("ra"));
    Path lower = settings.containersDir().resolve("ra").resolve("lower");
    MountTable.Entry mount =
        new MountTable(Path.of("/proc/self/mountinfo"))
            .entries().stream()
                .filter(e -> e.mountPoint().equals(lower))
                .reduce((first, last) -> last)
                .orElseThrow();
    assertThat(mount.source()).startsWith("/dev/loop");
    Path knob =
        Path.of("/sys/block", Path.of(mount.source()).getFileName().toString(), "queue")
            .resolve("read_ahead_kb");
    assertThat(Files.readString(knob).strip()).isEqualTo("0");
  }

  @Test
  void fileWrittenInTheVolumeFromInsideIsOwnedByTheMappedRootOnTheHost() throws Exception {
    Path volume = Files.createDirectories(work.resolve("volumes/vol/main"));
    backend.start(web("vol").withMount(ContainerMount.bind(volume, "/media/startos/volumes/main")));
    Files.writeString(volume.resolve("from-host.txt"), "host wrote this");

    ExecResult r =
        backend.exec(
            "vol",
            "sh",
            "-c",
            "cat /media/startos/volumes/main/from-host.txt"
                + " && echo inside > /media/startos/volumes/main/from-container.txt");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).isEqualTo("host wrote this");
    Path written = volume.resolve("from-container.txt");
    assertThat(Files.readString(written)).isEqualTo("inside\n");
    assertThat(Files.getAttribute(written, "unix:uid")).isEqualTo(100_000);
    assertThat(Files.getAttribute(written, "unix:gid")).isEqualTo(100_000);
  }

  @Test
  void aContainerInItsOwnIdRangeSeesTheSharedImageAsItsRootsAndWritesAsItsRange() throws Exception {
    int range = (int) IdRanges.DEFAULT_BASE + 3 * IdRanges.SIZE;
    Path volume = Files.createDirectories(work.resolve("volumes/ranged/main"));
    Files.setAttribute(volume, "unix:uid", range);
    Files.setAttribute(volume, "unix:gid", range);
    int hostPort = freePort();
    backend.start(
        web("ranged")
            .withIdmapBase(range)
            .withMount(ContainerMount.bind(volume, "/media/startos/volumes/main")));
    backend.forward(hostPort, backend.ip("ranged").orElseThrow(), 80);

    ExecResult r =
        backend.exec(
            "ranged",
            "sh",
            "-c",
            "stat -c %u:%g /bin/busybox /var/www/index.html"
                + " && echo inside > /media/startos/volumes/main/from-container.txt"
                + " && echo root > /etc/written-by-root");

    // the image is owned by the default range (100000) on disk, by this container's root inside
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout().lines()).containsExactly("0:0", "0:0");
    Path written = volume.resolve("from-container.txt");
    assertThat(Files.getAttribute(written, "unix:uid")).isEqualTo(range);
    assertThat(Files.getAttribute(written, "unix:gid")).isEqualTo(range);
    Path copiedUp = backend.layout("ranged").upper().resolve("etc/written-by-root");
    assertThat(Files.getAttribute(copiedUp, "unix:uid")).isEqualTo(range);
    assertThat(awaitHttp(hostPort, Duration.ofSeconds(10))).contains("hello");
    // a file of the default range is foreign to this container's root
    Path foreign = Files.writeString(volume.resolve("of-another.txt"), "secret");
    Files.setAttribute(foreign, "unix:uid", 100_000);
    Files.setAttribute(foreign, "unix:gid", 100_000);
    Files.setPosixFilePermissions(
        foreign, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    ExecResult read = backend.exec("ranged", "cat", "/media/startos/volumes/main/of-another.txt");
    assertThat(read.exitCode()).isNotZero();
    assertThat(read.stdout()).doesNotContain("secret");
  }

  @Test
  void execPassesExitCodeSeparateStreamsEnvironmentAndStdin() {
    backend.start(web("exec").withEnv("SERVICE_NAME", "exec-test"));

    ExecResult failed = backend.exec("exec", "sh", "-c", "echo out; echo err >&2; exit 42");
    ExecResult env =
        backend.exec(
            "exec",
            ExecRequest.of("sh", "-c", "echo $SERVICE_NAME $EXTRA; id -u; cat")
                .withEnv(Map.of("EXTRA", "more"))
                .withStdin("piped in"));

    assertThat(failed.exitCode()).isEqualTo(42);
    assertThat(failed.stdout()).isEqualTo("out\n");
    assertThat(failed.stderr()).isEqualTo("err\n");
    assertThat(env.stdout()).isEqualTo("exec-test more\n0\npiped in");
    assertThatThrownBy(() -> backend.exec("nosuch", "true"))
        .isInstanceOf(ContainerException.class)
        .hasMessageContaining("nosuch")
        .hasMessageContaining("absent");
  }

  @Test
  void memoryLimitIsAppliedReadBackAndEnforced() {
    long limit = 64L << 20;
    backend.start(web("mem").withLimits(new Limits(limit, 64, 512, 500)));

    ResourceUsage usage = backend.usage("mem");
    // dd needs a 100 MiB buffer: over the limit, so the kernel must kill it
    ExecResult hog =
        backend.exec("mem", "dd", "if=/dev/zero", "of=/dev/null", "bs=100M", "count=1");

    assertThat(usage.memoryLimitBytes()).isEqualTo(limit);
    assertThat(usage.memoryBytes()).isPositive().isLessThan(limit);
    assertThat(usage.processes()).isPositive();
    assertThat(hog.exitCode()).as(hog.stderr()).isEqualTo(137);
    Path cpu = Path.of("/sys/fs/cgroup/cpu", CGROUP_PREFIX + ".payload.mem");
    assertThat(CgroupTree.readLong(cpu.resolve("cpu.shares"))).isEqualTo(512);
    assertThat(CgroupTree.readLong(cpu.resolve("cpu.cfs_quota_us"))).isEqualTo(50_000);
    Path pids = Path.of("/sys/fs/cgroup/pids", CGROUP_PREFIX + ".payload.mem");
    assertThat(CgroupTree.readLong(pids.resolve("pids.max"))).isEqualTo(64);
  }

  @Test
  void stopEndsATrappingInitAtOnceAndKillsOneIgnoringSigtermAfterTheTimeout() {
    backend.start(web("polite"));
    backend.start(
        new ContainerSpec(
            "stubborn", rootfsImage, List.of("/stubborn.sh"), List.of(), Limits.NONE, Map.of()));

    long t0 = System.nanoTime();
    backend.stop("polite", Duration.ofSeconds(10));
    long politeMs = (System.nanoTime() - t0) / 1_000_000;
    long t1 = System.nanoTime();
    backend.stop("stubborn", Duration.ofSeconds(1));
    long stubbornMs = (System.nanoTime() - t1) / 1_000_000;
    measurements.add("stop, init traps TERM: " + politeMs + " ms");
    measurements.add("stop, init ignores TERM, timeout 1 s: " + stubbornMs + " ms");

    assertThat(politeMs).isLessThan(1_000);
    assertThat(stubbornMs).isBetween(900L, 5_000L);
    assertThat(backend.state("polite")).isEqualTo(ContainerState.STOPPED);
    assertThat(backend.state("stubborn")).isEqualTo(ContainerState.STOPPED);
    assertThat(HostProbe.mountsUnder(settings.containersDir())).isEmpty();
  }

  @Test
  void oneContainerReachesAnotherThroughAHostPortOnTheBridge() throws Exception {
    int hostPort = freePort();
    backend.start(web("hp-server"));
    backend.start(web("hp-client"));
    backend.forward(hostPort, backend.ip("hp-server").orElseThrow(), 80);
    awaitHttp(hostPort, Duration.ofSeconds(10));
    String gateway = settings.subnet().gateway().getHostAddress();

    ExecResult r =
        backend.exec(
            "hp-client",
            "sh",
            "-c",
            "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 " + gateway + " " + hostPort);

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).startsWith("HTTP/1.1 200").contains("hello from busybox");
  }

  @Test
  void restartKeepsAddressAndMacAndAnswersImmediately() throws Exception {
    int hostPort = freePort();
    backend.start(web("again"));
    Inet4Address ip = backend.ip("again").orElseThrow();
    backend.forward(hostPort, ip, 80);
    awaitHttp(hostPort, Duration.ofSeconds(10));
    String mac = backend.exec("again", "cat", "/sys/class/net/eth0/address").stdout();
    backend.stop("again", Duration.ofSeconds(5));

    long t0 = System.nanoTime();
    backend.start(web("again"));
    awaitHttp(hostPort, Duration.ofSeconds(10));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    measurements.add("restart -> first HTTP 200 (same IP/MAC): " + ms + " ms");

    assertThat(backend.ip("again")).contains(ip);
    assertThat(backend.exec("again", "cat", "/sys/class/net/eth0/address").stdout()).isEqualTo(mac);
    assertThat(mac.strip()).isEqualTo(AddressBook.macFor(ip));
    assertThat(ms).isLessThan(2_000);
  }

  @Test
  void readOnlyImagesAndBindsAreVisibleButNotWritable() throws Exception {
    Path rpc = Files.createDirectories(work.resolve("rpc/ro"));
    backend.start(
        web("ro")
            .withMount(ContainerMount.squashfs(packageImage, "/usr/lib/startos/package"))
            .withMount(ContainerMount.bind(rpc, "/media/startos/rpc")));

    ExecResult read = backend.exec("ro", "cat", "/usr/lib/startos/package/index.js");
    ExecResult write = backend.exec("ro", "touch", "/usr/lib/startos/package/new");
    ExecResult rpcWrite = backend.exec("ro", "touch", "/media/startos/rpc/service.sock");
    ExecResult rootWrite = backend.exec("ro", "touch", "/etc/written");

    assertThat(read.stdout()).isEqualTo("module.exports = {};\n");
    assertThat(write.exitCode()).isNotZero();
    assertThat(write.stderr()).contains("Read-only file system");
    assertThat(rpcWrite.exitCode()).as(rpcWrite.stderr()).isZero();
    assertThat(rpc.resolve("service.sock")).exists();
    assertThat(rootWrite.exitCode()).as("the overlay root is writable").isZero();
  }

  @Test
  void destroyLeavesNoMountsProcessesVethsLoopsRulesOrCgroups() throws Exception {
    Path volume = Files.createDirectories(work.resolve("volumes/gone/main"));
    int hostPort = freePort();
    backend.start(
        web("gone")
            .withMount(ContainerMount.bind(volume, "/media/startos/volumes/main"))
            .withMount(ContainerMount.squashfs(packageImage, "/usr/lib/startos/package")));
    Inet4Address ip = backend.ip("gone").orElseThrow();
    backend.forward(hostPort, ip, 80);
    awaitHttp(hostPort, Duration.ofSeconds(10));
    assertThat(HostProbe.nftTable(TABLE)).contains(ip.getHostAddress());
    assertThat(HostProbe.links("vst")).contains(HostNetwork.vethName(ip));

    backend.destroy("gone");

    assertLeavesNothing(ip);
    assertThat(backend.state("gone")).isEqualTo(ContainerState.ABSENT);
    assertThat(backend.forwards()).isEmpty();
    assertThat(volume).as("volumes belong to the caller and survive").isDirectory();
  }

  @Test
  void cleanupAllRemovesEverythingACrashedDaemonLeftRunning() throws Exception {
    backend.start(
        web("crash-a").withMount(ContainerMount.squashfs(packageImage, "/usr/lib/startos/pkg")));
    backend.start(web("crash-b"));
    Inet4Address a = backend.ip("crash-a").orElseThrow();
    backend.forward(freePort(), a, 80);

    // a new daemon process knows nothing of the running containers
    LxcBackend afterCrash = new LxcBackend(settings);
    afterCrash.cleanupAll();

    assertLeavesNothing(a);
    assertLeavesNothing(backend.ip("crash-b").orElseThrow());
    assertThat(HostProbe.nftTable(TABLE)).isEmpty();
    assertThat(HostProbe.links(BRIDGE)).isEmpty();
    assertThat(afterCrash.containers()).isEmpty();
    assertThat(afterCrash.ip("crash-a")).as("addresses survive a crash").contains(a);
  }

  @Test
  void aSecondStartdOnTheSameContainerNamesIsRefusedAndTouchesNothing() throws Exception {
    backend.start(web("canary"));
    int hostPort = freePort();
    backend.forward(hostPort, backend.ip("canary").orElseThrow(), 80);
    Path data = Files.createDirectories(work.resolve("second-data"));

    // this test class holds the claim on its names, as a running startd does
    Config same = Config.of(data, "127.0.0.1:0").withContainers(settings.namespace());
    assertThatThrownBy(() -> Startd.start(same))
        .isInstanceOf(StartupException.class)
        .hasMessageStartingWith(
            "another startd (pid "
                + ProcessHandle.current().pid()
                + ") already runs the containers on bridge "
                + BRIDGE
                + " (lock /run/startos/bridge-"
                + BRIDGE
                + ".lock)")
        .hasMessageContaining("give this one its own --bridge, --subnet, --nft-table");
    // any one shared name is enough to be refused
    Config sameTable =
        Config.of(data, "127.0.0.1:0")
            .withContainers(RunningDaemon.TEST_CONTAINERS.withNftTable(TABLE));
    assertThatThrownBy(() -> Startd.start(sameTable))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("already runs the containers on nft table ip " + TABLE);

    assertThat(backend.state("canary")).isEqualTo(ContainerState.RUNNING);
    assertThat(awaitHttp(hostPort, Duration.ofSeconds(10))).contains("hello");
    assertThat(data.resolve("db")).as("the refused startd opened nothing").doesNotExist();
  }

  @Test
  void aTestStartdOnItsOwnNamesLeavesAnotherStartdsContainerBridgeAndTableAlone() throws Exception {
    backend.start(web("canary"));
    int hostPort = freePort();
    Inet4Address ip = backend.ip("canary").orElseThrow();
    backend.forward(hostPort, ip, 80);
    Path data = Files.createDirectories(work.resolve("test-startd-data"));

    // what every suite daemon does at start and stop: clean up its own names only
    try (RunningDaemon other = RunningDaemon.start(data)) {
      assertThat(other.startd().config().containers().bridge()).isNotEqualTo(BRIDGE);
    }

    assertThat(backend.state("canary")).isEqualTo(ContainerState.RUNNING);
    assertThat(HostProbe.links(BRIDGE)).as("the other startd's bridge").isNotEmpty();
    assertThat(HostProbe.links(HostNetwork.vethName(ip))).as("its container's veth").isNotEmpty();
    assertThat(HostProbe.nftTable(TABLE)).as("its port forward").contains(ip.getHostAddress());
    assertThat(HostProbe.cgroupDirs(CGROUP_PREFIX + ".payload.canary")).isNotEmpty();
    assertThat(awaitHttp(hostPort, Duration.ofSeconds(10))).contains("hello");
  }

  @Test
  void startWithAMissingImageFailsClearlyAndMountsNothing() {
    Path missing = work.resolve("img/missing.squashfs");

    assertThatThrownBy(() ->
            backend.start(web("bad").withMount(ContainerMount.squashfs(missing, "/usr/lib/x"))))
        .isInstanceOf(ContainerException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("does not exist");
    assertThat(HostProbe.mountsUnder(settings.stateDir())).isEmpty();
    assertThat(backend.state("bad")).isEqualTo(ContainerState.ABSENT);
  }

  @Test
  void startWithAnInitThatDoesNotExistFailsWithLxcsReasonAndCleansUp() {
    Throwable failure =
        catchThrowable(() -> backend.start(ContainerSpec.of("noinit", rootfsImage, "/nope.sh")));
    measurements.add("error for a missing init: " + failure.getMessage());

    assertThat(failure)
        .isInstanceOf(ContainerException.class)
        .hasMessageContaining("noinit")
        .hasMessageContaining("/nope.sh");
    assertThat(HostProbe.mountsUnder(settings.stateDir())).isEmpty();
    assertThat(backend.state("noinit")).isNotEqualTo(ContainerState.RUNNING);
  }

  @Test
  void startingARunningContainerAgainIsRefused() {
    backend.start(web("twice"));

    assertThatThrownBy(() -> backend.start(web("twice")))
        .isInstanceOf(ContainerException.class)
        .hasMessage("container twice is already running");
    assertThat(backend.state("twice")).isEqualTo(ContainerState.RUNNING);
  }

  @Test
  void severalContainersStartConcurrentlyWithDistinctAddresses() throws Exception {
    List<String> ids = List.of("par-1", "par-2", "par-3", "par-4", "par-5");
    long t0 = System.nanoTime();
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      var started = ids.stream().map(id -> pool.submit(() -> backend.start(web(id)))).toList();
      for (var f : started) {
        f.get();
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    measurements.add("5 containers started concurrently: " + ms + " ms");

    assertThat(ids.stream().map(id -> backend.ip(id).orElseThrow()).distinct()).hasSize(5);
    for (String id : ids) {
      assertThat(backend.exec(id, "hostname").stdout()).isEqualTo(id + "\n");
    }
  }

  @Test
  void measuresLatenciesAndIdleMemory() throws Exception {
    int hostPort = freePort();
    backend.start(web("bench"));
    backend.forward(hostPort, backend.ip("bench").orElseThrow(), 80);
    awaitHttp(hostPort, Duration.ofSeconds(10));
    List<Long> starts = new ArrayList<>();
    List<Long> stops = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long t0 = System.nanoTime();
      backend.stop("bench", Duration.ofSeconds(5));
      stops.add((System.nanoTime() - t0) / 1_000_000);
      long t1 = System.nanoTime();
      backend.start(web("bench"));
      awaitHttp(hostPort, Duration.ofSeconds(10));
      starts.add((System.nanoTime() - t1) / 1_000_000);
    }
    List<Long> execs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      long t0 = System.nanoTime();
      assertThat(backend.exec("bench", "true").exitCode()).isZero();
      execs.add((System.nanoTime() - t0) / 1_000_000);
    }
    Thread.sleep(300);
    ResourceUsage idle = backend.usage("bench");
    measurements.add("start (lxc-start + mounts) -> HTTP 200, 5 runs, ms: " + starts);
    measurements.add("stop (trapping init), 5 runs, ms: " + stops);
    measurements.add("exec `true`, 10 runs, ms: " + execs);
    measurements.add(
        "idle busybox httpd container: cgroup memory "
            + idle.memoryBytes() / 1024
            + " KiB, lxc monitor RSS "
            + idle.monitorRssBytes() / 1024
            + " KiB");

    assertThat(idle.monitorRssBytes()).isPositive();
    assertThat(starts).allMatch(ms -> ms < 3_000);
  }

  private void assertLeavesNothing(Inet4Address ip) throws Exception {
    assertThat(HostProbe.mountsUnder(settings.stateDir())).as("mounts").isEmpty();
    assertThat(HostProbe.processesMentioning(settings.containersDir().toString()))
        .as("lxc monitors")
        .isEmpty();
    assertThat(HostProbe.processesMentioning(CGROUP_PREFIX + ".")).as("processes").isEmpty();
    assertThat(HostProbe.links(HostNetwork.vethName(ip))).as("veths").isEmpty();
    assertThat(HostProbe.loopsBackedBy(List.of(rootfsImage, packageImage)))
        .as("loop devices")
        .isEmpty();
    assertThat(HostProbe.nftTable(TABLE)).as("nft rules").doesNotContain(ip.getHostAddress());
    assertThat(HostProbe.cgroupDirs(CGROUP_PREFIX + ".")).as("cgroups").isEmpty();
  }

  private ContainerSpec web(String id) {
    return ContainerSpec.of(id, rootfsImage, "/init.sh");
  }

  /** Accepts one connection and writes {@code line}; gives up quietly at the socket timeout. */
  private static void answerOnce(ServerSocket server, String line) {
    try (Socket s = server.accept()) {
      s.getOutputStream().write(line.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // nobody came: the test asserts on what the client saw
    }
  }

  private static String readLine(InetSocketAddress address) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(address, 5_000);
      s.setSoTimeout(10_000);
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Polls GET / on the host's non-loopback address until it answers 200; returns the body. */
  private static String awaitHttp(int port, Duration patience) throws InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    String last = "nothing";
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(HostAddresses.nonLoopback(), port), 500);
        s.setSoTimeout(1_000);
        OutputStream out = s.getOutputStream();
        out.write("GET / HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (response.startsWith("HTTP/1.") && response.contains(" 200 ")) {
          return response.substring(response.indexOf("\r\n\r\n") + 4);
        }
        last = response.lines().findFirst().orElse("empty response");
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(5);
    }
    throw new AssertionError(
        "no HTTP 200 on "
            + HostAddresses.nonLoopback().getHostAddress()
            + ":"
            + port
            + " within "
            + patience
            + ": "
            + last);
  }
}
