package startos.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import startos.container.LxcBackend;
import startos.container.LxcSettings;
import startos.container.Subnet;
import startos.http.Continuations;
import startos.notification.Notifications;
import startos.patchdb.PatchDb;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;
import startos.ssl.CertStore;

/**
 * The whole path with real LXC and an SDK-built package: install, start, healthy, HTTP through the
 * assigned port, stop, start, startd restart, downgrade keeping the volume, uninstall leaving
 * nothing. Needs root, LXC and the runtime image (container-runtime/build-image.sh); skipped
 * otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class ServiceLifecycleIntegrationTest {
  static final String ID = "hello-test";
  private static final String BRIDGE = "stsvcbr0";
  private static final String TABLE = "startos_svc_it";

  private Path work;
  private Path dataDir;
  private LxcBackend backend;
  private PatchDb db;
  private Continuations continuations;
  private ServiceManager manager;
  final List<String> timings = new ArrayList<>();

  @BeforeAll
  void setUp() throws IOException {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "service integration tests need root; skipped as " + System.getProperty("user.name"));
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/lxc-start")), "needs lxc-start; skipped");
    assumeTrue(
        TestPackages.available(),
        "needs node, busybox and the idmapped runtime image (container-runtime/build-image.sh); skipped");
    work = Files.createTempDirectory(Path.of("/tmp"), "startos-svc-it");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
    dataDir = work.resolve("data");
    Files.createDirectories(dataDir);
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
    backend =
        new LxcBackend(
            LxcSettings.defaults(dataDir.resolve("lxc"))
                .withNetwork(BRIDGE, Subnet.parse("10.212.33.1/24"), TABLE)
                .withCgroups("startos-svcit", Path.of("/sys/fs/cgroup")));
    backend.cleanupAll();
    continuations = new Continuations(InstantSource.system(), Duration.ofSeconds(30));
    openDaemon();
  }

  private void openDaemon() {
    db = PatchDb.open(dataDir.resolve("db"));
    manager =
        new ServiceManager(
            db,
            backend,
            new CertStore(db),
            new Notifications(db),
            continuations,
            ServiceSettings.defaults(dataDir, TestPackages.RUNTIME_IMAGE)
                .withOsIp("10.212.33.1")
                .withStopTimeout(Duration.ofSeconds(5)));
    manager.startAll();
  }

  private void closeDaemon() {
    manager.close();
    db.close();
  }

  @AfterAll
  void tearDown() {
    if (manager != null) {
      try {
        manager.uninstall(ID, false, true);
      } catch (RuntimeException e) {
        // already gone
      }
      closeDaemon();
    }
    if (backend != null) {
      backend.cleanupAll();
    }
    if (continuations != null) {
      continuations.close();
    }
    if (work != null) {
      PackageLayout.deleteTree(work);
    }
    timings.forEach(System.out::println);
  }

  private JsonNode entry() {
    return db.get("/public/packageData/" + ID).orElseThrow();
  }

  private String health() {
    return db.get("/public/packageData/" + ID + "/statusInfo/health/web/result")
        .map(JsonNode::asText)
        .orElse("");
  }

  private long awaitHealthy() throws InterruptedException {
    long t0 = System.nanoTime();
    while (!health().equals("success")) {
      assertThat(System.nanoTime() - t0)
          .as("health of web after start, now '%s'", health())
          .isLessThan(Duration.ofSeconds(60).toNanos());
      Thread.sleep(20);
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private int assignedPort() {
    return entry().at("/hosts/ui-multi/bindings/80/net/assignedPort").asInt();
  }

  private String get(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  @Order(1)
  void installedPackageStartsHealthyAndServesHttpOnItsAssignedPort() throws Exception {
    long t0 = System.nanoTime();
    assertThat(manager.install(TestPackages.build(TestPackages.Variant.v1()))).isEqualTo(ID);
    timings.add("install: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    assertThat(entry().at("/stateInfo/state").asText()).isEqualTo("installed");
    assertThat(entry().at("/stateInfo/manifest/version").asText()).isEqualTo("1.0.0:0");
    assertThat(entry().at("/statusInfo/desired/main").asText()).isEqualTo("stopped");
    assertThat(entry().at("/actions/hello/name").asText()).isEqualTo("Say hello");
    assertThat(entry().at("/hosts/ui-multi/bindings/80/interfaces/ui/name").asText())
        .isEqualTo("Web UI");
    int port = assignedPort();
    assertThat(port).isBetween(49152, 65535);

    long s0 = System.nanoTime();
    manager.start(ID);
    awaitHealthy();
    long healthy = (System.nanoTime() - s0) / 1_000_000;
    timings.add("start -> healthy: " + healthy + " ms");
    assertThat(entry().at("/statusInfo/desired/main").asText()).isEqualTo("running");
    assertThat(entry().at("/statusInfo/started").isTextual()).isTrue();
    assertThat(get(port)).contains("hello from 1.0.0:0");
  }

  @Test
  @Order(2)
  void stopThenStartBringsItBack() throws Exception {
    long t0 = System.nanoTime();
    manager.stop(ID);
    timings.add("stop: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    assertThat(entry().at("/statusInfo/started").isNull()).isTrue();
    assertThat(entry().at("/statusInfo/desired/main").asText()).isEqualTo("stopped");
    assertThat(health()).isEmpty();
    manager.start(ID);
    awaitHealthy();
    assertThat(get(assignedPort())).contains("hello");
  }

  @Test
  @Order(3)
  void aRestartedDaemonBringsTheServiceBackRunning() throws Exception {
    int port = assignedPort();
    closeDaemon();
    openDaemon();
    assertThat(entry().at("/statusInfo/desired/main").asText()).isEqualTo("running");
    awaitHealthy();
    assertThat(assignedPort()).isEqualTo(port);
    assertThat(get(port)).contains("hello from 1.0.0:0");
  }

  @Test
  @Order(4)
  void installingAnOlderVersionOverItKeepsTheVolume() throws Exception {
    manager.install(TestPackages.build(TestPackages.Variant.v09()));
    assertThat(entry().at("/stateInfo/state").asText()).isEqualTo("installed");
    assertThat(entry().at("/stateInfo/manifest/version").asText()).isEqualTo("0.9.0:0");
    awaitHealthy();
    // the page was written by 1.0.0 into the volume; 0.9.0 serves the same file
    assertThat(get(assignedPort())).contains("hello from 1.0.0:0");
  }

  @Test
  @Order(5)
  void logsHoldTheRuntimeOutputWithTimestampsAndBootId() {
    var entries =
        manager.log(ID).read(1000, java.util.Optional.empty(), true, java.util.Optional.empty());
    assertThat(entries).isNotEmpty();
    assertThat(entries).anyMatch(e -> e.message().contains("serving"));
    assertThat(entries.get(0).bootId()).isNotBlank();
  }

  @Test
  @Order(6)
  void aCrashedRuntimeShowsAsAnErrorAndStartBringsItBack() throws Exception {
    backend.exec(ID, "sh", "-c", "kill -9 $(pidof node)");
    long t0 = System.nanoTime();
    while (!entry().at("/statusInfo/error/details").isTextual()) {
      assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(20).toNanos());
      Thread.sleep(50);
    }
    assertThat(entry().at("/statusInfo/error/details").asText()).contains("exited unexpectedly");
    assertThat(entry().at("/statusInfo/started").isNull()).isTrue();
    manager.start(ID);
    awaitHealthy();
    assertThat(entry().at("/statusInfo/error").isNull()).isTrue();
    assertThat(get(assignedPort())).contains("hello");
  }

  @Test
  @Order(7)
  void uninstallLeavesNothingBehind() throws Exception {
    manager.uninstall(ID, false, false);
    assertThat(db.get("/public/packageData/" + ID)).isEmpty();
    assertThat(Files.exists(dataDir.resolve("packages").resolve(ID))).isFalse();
    assertThat(Files.exists(dataDir.resolve("logs").resolve(ID))).isFalse();
    assertThat(HostMounts.under(dataDir)).isEmpty();
    assertThat(backend.containers()).isEmpty();
    assertThat(backend.forwards()).isEmpty();
    assertThat(db.get("/private/availablePorts").map(JsonNode::size).orElse(0)).isZero();
  }

  @Test
  @Order(8)
  void aTamperedPackageIsRejectedBeforeAnythingIsWritten() throws Exception {
    Path good = TestPackages.build(TestPackages.Variant.v1());
    Path bad = work.resolve("tampered.s9pk");
    byte[] bytes = Files.readAllBytes(good);
    bytes[bytes.length - 10] ^= 0x55;
    Files.write(bad, bytes);
    assertThatThrownBy(() -> manager.install(bad))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("corrupt");
    bytes = Files.readAllBytes(good);
    bytes[40] ^= 0x01; // inside the signature
    Files.write(bad, bytes);
    assertThatThrownBy(() -> manager.install(bad))
        .isInstanceOf(RpcException.class)
        .satisfies(
            e -> assertThat(((RpcException) e).kind()).isEqualTo(ErrorKind.INVALID_SIGNATURE));
    assertThat(db.get("/public/packageData/" + ID)).isEmpty();
    assertThat(Files.exists(dataDir.resolve("packages").resolve(ID))).isFalse();
  }

  @Test
  @Order(9)
  void aPackageForAnotherArchitectureIsRefused() {
    assertThatThrownBy(() -> manager.install(TestPackages.buildForArch("aarch64")))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("aarch64");
    assertThat(db.get("/public/packageData/" + ID)).isEmpty();
    assertThat(Files.exists(dataDir.resolve("packages").resolve(ID))).isFalse();
  }

  @Test
  @Order(10)
  void aPackageWhoseInitThrowsFailsTheInstallWithItsMessageAndLeavesNothing() {
    var v = new TestPackages.Variant("1.0.0:0", "", true, false);
    assertThatThrownBy(() -> manager.install(TestPackages.build(v)))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("refuses to initialize");
    assertThat(db.get("/public/packageData/" + ID)).isEmpty();
    assertThat(Files.exists(dataDir.resolve("packages").resolve(ID))).isFalse();
    assertThat(HostMounts.under(dataDir)).isEmpty();
    assertThat(backend.containers()).isEmpty();
  }

  @Test
  @Order(11)
  void aDaemonIgnoringSigtermIsKilledAfterItsTimeout() throws Exception {
    manager.install(TestPackages.build(new TestPackages.Variant("1.0.0:0", "", false, true)));
    manager.start(ID);
    awaitHealthy();
    long t0 = System.nanoTime();
    manager.stop(ID);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    timings.add("stop of a SIGTERM-ignoring daemon (sigtermTimeout 2 s): " + ms + " ms");
    assertThat(ms).isBetween(1500L, 15_000L);
    // the daemon's shell (its command line says "stubborn up") is gone
    var ps = backend.exec(ID, "sh", "-c", "ps -o args | grep -c '[s]tubborn up' || true");
    assertThat(ps.stdout().strip()).isEqualTo("0");
    manager.uninstall(ID, false, false);
    assertThat(HostMounts.under(dataDir)).isEmpty();
  }
}
