package startos.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import startos.container.IdRanges;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

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

  private ServiceRig rig;
  final List<String> timings = new ArrayList<>();

  @BeforeAll
  void setUp() throws IOException {
    ServiceRig.assumeAvailable();
    rig = ServiceRig.open("startos-svc-it", BRIDGE, "10.212.33.1", TABLE, "startos-svcit", s -> s);
  }

  @AfterAll
  void tearDown() {
    if (rig != null) {
      rig.close(ID);
    }
    timings.forEach(System.out::println);
  }

  private JsonNode entry() {
    return rig.entry(ID);
  }

  private String health() {
    return rig.health(ID);
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
    return rig.assignedPort(ID);
  }

  private static String get(int port) throws Exception {
    return ServiceRig.get(port);
  }

  @Test
  @Order(1)
  void installedPackageStartsHealthyAndServesHttpOnItsAssignedPort() throws Exception {
    long t0 = System.nanoTime();
    assertThat(rig.manager().install(TestPackages.build(TestPackages.Variant.v1()))).isEqualTo(ID);
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
    rig.manager().start(ID);
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
    rig.manager().stop(ID);
    timings.add("stop: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    assertThat(entry().at("/statusInfo/started").isNull()).isTrue();
    assertThat(entry().at("/statusInfo/desired/main").asText()).isEqualTo("stopped");
    assertThat(health()).isEmpty();
    rig.manager().start(ID);
    awaitHealthy();
    assertThat(get(assignedPort())).contains("hello");
  }

  @Test
  @Order(3)
  void aRestartedDaemonBringsTheServiceBackRunning() throws Exception {
    int port = assignedPort();
    rig.closeDaemon();
    rig.openDaemon();
    assertThat(entry().at("/statusInfo/desired/main").asText()).isEqualTo("running");
    awaitHealthy();
    assertThat(assignedPort()).isEqualTo(port);
    assertThat(get(port)).contains("hello from 1.0.0:0");
  }

  @Test
  @Order(4)
  void installingAnOlderVersionOverItKeepsTheVolume() throws Exception {
    rig.manager().install(TestPackages.build(TestPackages.Variant.v09()));
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
        rig.manager()
            .log(ID)
            .read(1000, java.util.Optional.empty(), true, java.util.Optional.empty());
    assertThat(entries).isNotEmpty();
    assertThat(entries).anyMatch(e -> e.message().contains("serving"));
    assertThat(entries.get(0).bootId()).isNotBlank();
  }

  @Test
  @Order(5)
  void theContainersRootCannotSwapItsConsoleFileForASymlink() throws Exception {
    String console = "/media/startos/console/console.log";
    Path hostConsole = rig.dataDir().resolve("packages/" + ID + "/console/console.log");
    // everything a root inside the container could try on the file the host tails
    rig.backend()
        .exec(
            ID,
            "sh",
            "-c",
            String.join(
                "; ",
                "mv " + console + " " + console + ".old",
                "rm -f " + console,
                "umount " + console,
                "rm -f " + console,
                "ln -s /etc/hostname " + console,
                "ln -s /dev/zero " + console + ".new"));

    assertThat(Files.isSymbolicLink(hostConsole)).isFalse();
    assertThat(Files.isRegularFile(hostConsole)).isTrue();
    try (var entries = Files.list(hostConsole.getParent())) {
      assertThat(entries.toList()).containsExactly(hostConsole);
    }
    assertThat(Files.getAttribute(hostConsole.getParent(), "unix:uid")).isEqualTo(0);
  }

  @Test
  @Order(6)
  void aCrashedRuntimeShowsAsAnErrorAndStartBringsItBack() throws Exception {
    rig.backend().exec(ID, "sh", "-c", "kill -9 $(pidof node)");
    long t0 = System.nanoTime();
    while (!entry().at("/statusInfo/error/details").isTextual()) {
      assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(20).toNanos());
      Thread.sleep(50);
    }
    assertThat(entry().at("/statusInfo/error/details").asText()).contains("exited unexpectedly");
    assertThat(entry().at("/statusInfo/started").isNull()).isTrue();
    rig.manager().start(ID);
    awaitHealthy();
    assertThat(entry().at("/statusInfo/error").isNull()).isTrue();
    assertThat(get(assignedPort())).contains("hello");
  }

  @Test
  @Order(7)
  void aSoftUninstallKeepsTheIdRangeSoTheReinstallOwnsItsKeptVolume() throws Exception {
    long range = rig.settings().idRanges().lookup(ID).orElseThrow();
    Path page = rig.dataDir().resolve("packages/" + ID + "/volumes/main/www/index.html");
    assertThat(((Integer) Files.getAttribute(page, "unix:uid")).longValue())
        .isBetween(range, range + IdRanges.SIZE - 1);

    rig.manager().uninstall(ID, true, false);
    assertThat(rig.db().get("/public/packageData/" + ID)).isEmpty();
    assertThat(rig.settings().idRanges().lookup(ID))
        .as("the kept volume's files carry the range, so it stays the package's")
        .contains(range);
    assertThat(Files.readString(rig.dataDir().resolve("id-ranges.properties")))
        .contains(ID + "=" + range);

    rig.manager().install(TestPackages.build(TestPackages.Variant.v1()));
    assertThat(rig.settings().idRanges().lookup(ID)).contains(range);
    assertThat(((Integer) Files.getAttribute(page, "unix:uid")).longValue())
        .isBetween(range, range + IdRanges.SIZE - 1);
    rig.manager().start(ID);
    awaitHealthy();
    // main rewrites the page in the kept volume: the reinstalled root owns it
    assertThat(get(assignedPort())).contains("hello from 1.0.0:0");
  }

  @Test
  @Order(8)
  void uninstallLeavesNothingBehind() throws Exception {
    long range = rig.settings().idRanges().lookup(ID).orElseThrow();
    rig.manager().uninstall(ID, false, false);
    assertThat(rig.settings().idRanges().lookup(ID))
        .as("no file of the range is left, so the range goes back to the pool")
        .isEmpty();
    assertThat(Files.readString(rig.dataDir().resolve("id-ranges.properties")))
        .doesNotContain(ID + "=")
        .doesNotContain(Long.toString(range));
    assertThat(rig.db().get("/public/packageData/" + ID)).isEmpty();
    assertThat(Files.exists(rig.dataDir().resolve("packages").resolve(ID))).isFalse();
    assertThat(Files.exists(rig.dataDir().resolve("logs").resolve(ID))).isFalse();
    assertThat(PackageMounts.under(rig.dataDir())).isEmpty();
    assertThat(rig.backend().containers()).isEmpty();
    assertThat(rig.backend().forwards()).isEmpty();
    assertThat(rig.db().get("/private/availablePorts").map(JsonNode::size).orElse(0)).isZero();
  }

  @Test
  @Order(9)
  void aTamperedPackageIsRejectedBeforeAnythingIsWritten() throws Exception {
    Path good = TestPackages.build(TestPackages.Variant.v1());
    Path bad = rig.work().resolve("tampered.s9pk");
    byte[] bytes = Files.readAllBytes(good);
    bytes[bytes.length - 10] ^= 0x55;
    Files.write(bad, bytes);
    assertThatThrownBy(() -> rig.manager().install(bad))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("corrupt");
    bytes = Files.readAllBytes(good);
    bytes[40] ^= 0x01; // inside the signature
    Files.write(bad, bytes);
    assertThatThrownBy(() -> rig.manager().install(bad))
        .isInstanceOf(RpcException.class)
        .satisfies(
            e -> assertThat(((RpcException) e).kind()).isEqualTo(ErrorKind.INVALID_SIGNATURE));
    assertThat(rig.db().get("/public/packageData/" + ID)).isEmpty();
    assertThat(Files.exists(rig.dataDir().resolve("packages").resolve(ID))).isFalse();
  }

  @Test
  @Order(10)
  void aPackageForAnotherArchitectureIsRefused() {
    assertThatThrownBy(() -> rig.manager().install(TestPackages.buildForArch("aarch64")))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("aarch64");
    assertThat(rig.db().get("/public/packageData/" + ID)).isEmpty();
    assertThat(Files.exists(rig.dataDir().resolve("packages").resolve(ID))).isFalse();
  }

  @Test
  @Order(11)
  void aPackageWhoseInitThrowsFailsTheInstallWithItsMessageAndLeavesNothing() {
    var v = new TestPackages.Variant("1.0.0:0", "", true, false);
    assertThatThrownBy(() -> rig.manager().install(TestPackages.build(v)))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("refuses to initialize");
    assertThat(rig.db().get("/public/packageData/" + ID)).isEmpty();
    assertThat(Files.exists(rig.dataDir().resolve("packages").resolve(ID))).isFalse();
    assertThat(PackageMounts.under(rig.dataDir())).isEmpty();
    assertThat(rig.backend().containers()).isEmpty();
  }

  @Test
  @Order(12)
  void aDaemonIgnoringSigtermIsKilledAfterItsTimeout() throws Exception {
    rig.manager().install(TestPackages.build(new TestPackages.Variant("1.0.0:0", "", false, true)));
    rig.manager().start(ID);
    awaitHealthy();
    long t0 = System.nanoTime();
    rig.manager().stop(ID);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    timings.add("stop of a SIGTERM-ignoring daemon (sigtermTimeout 2 s): " + ms + " ms");
    assertThat(ms).isBetween(1500L, 15_000L);
    // the daemon's shell (its command line says "stubborn up") is gone
    var ps = rig.backend().exec(ID, "sh", "-c", "ps -o args | grep -c '[s]tubborn up' || true");
    assertThat(ps.stdout().strip()).isEqualTo("0");
    rig.manager().uninstall(ID, false, false);
    assertThat(PackageMounts.under(rig.dataDir())).isEmpty();
  }
}
