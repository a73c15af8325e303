package startos.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import startos.container.ContainerState;
import startos.logs.LogEntry;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * Real LXC: a runtime or container that dies is brought back with a backoff, a cancelled install or
 * update undoes itself, and each container runs under its memory cap. Needs root, LXC and the
 * runtime image; skipped otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class ServiceRecoveryIntegrationTest {
  static final String ID = "hello-test";
  private static final String BRIDGE = "strecbr0";
  private static final String TABLE = "startos_rec_it";
  private static final String CGROUP_PREFIX = "startos-recit";
  private static final long MEMORY_LIMIT = 768L << 20;

  private ServiceRig rig;
  private final List<String> timings = new ArrayList<>();

  @BeforeAll
  void setUp() throws IOException {
    ServiceRig.assumeAvailable();
    rig =
        ServiceRig.open(
            "startos-rec-it",
            BRIDGE,
            "10.212.34.1",
            TABLE,
            CGROUP_PREFIX,
            s -> s.withMemoryLimitBytes(MEMORY_LIMIT));
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

  private JsonNode status() {
    return rig.db().get("/public/packageData/" + ID + "/statusInfo").orElseThrow();
  }

  private String health() {
    return rig.health(ID);
  }

  private static void await(String what, Duration limit, BooleanSupplier done)
      throws InterruptedException {
    long t0 = System.nanoTime();
    while (!done.getAsBoolean()) {
      assertThat(System.nanoTime() - t0).as(what).isLessThan(limit.toNanos());
      Thread.sleep(20);
    }
  }

  private String get() throws Exception {
    return ServiceRig.get(rig.assignedPort(ID));
  }

  private Path payloadCgroup(String controller) {
    return Path.of("/sys/fs/cgroup", controller, CGROUP_PREFIX + ".payload." + ID);
  }

  /** Host pids of the container's processes whose command is {@code comm}. */
  private List<Long> pidsNamed(String comm) throws IOException {
    List<Long> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(payloadCgroup("pids"))) {
      for (Path procs : files.filter(p -> p.endsWith("cgroup.procs")).toList()) {
        for (String line : Files.readAllLines(procs)) {
          long pid = Long.parseLong(line.strip());
          Optional<String> name = read(Path.of("/proc", Long.toString(pid), "comm"));
          if (name.map(String::strip).filter(comm::equals).isPresent()) {
            found.add(pid);
          }
        }
      }
    }
    return found;
  }

  /** The host pid of the container's PID 1 (its NSpid ends in 1). */
  private long containerInitPid() throws IOException {
    for (String line : Files.readAllLines(payloadCgroup("pids").resolve("cgroup.procs"))) {
      long pid = Long.parseLong(line.strip());
      Optional<String> st = read(Path.of("/proc", Long.toString(pid), "status"));
      if (st.isPresent()
          && st.get().lines().anyMatch(l -> l.startsWith("NSpid:") && l.endsWith("\t1"))) {
        return pid;
      }
    }
    throw new AssertionError("no PID 1 in the container's cgroup");
  }

  private static Optional<String> read(Path p) {
    try {
      return Optional.of(Files.readString(p, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static void kill(long pid) {
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly)).contains(true);
  }

  private List<String> logLines() {
    return rig.manager().log(ID).read(10_000, Optional.empty(), true, Optional.empty()).stream()
        .map(LogEntry::message)
        .toList();
  }

  /**
   * Kills {@code victim} and watches statusInfo until the service is healthy again: the error must
   * show (with no start time) before it comes back, and desired stays running throughout.
   */
  private long killAndAwaitRecovery(long victim) throws Exception {
    long t0 = System.nanoTime();
    kill(victim);
    boolean sawError = false;
    while (true) {
      JsonNode s = status();
      assertThat(s.at("/desired/main").asText()).isEqualTo("running");
      boolean error = s.at("/error/details").isTextual();
      if (error) {
        sawError = true;
        assertThat(s.at("/error/details").asText()).contains("exited unexpectedly");
        assertThat(s.at("/started").isNull()).isTrue();
        assertThat(s.path("health").size()).as("health while down: %s", s).isZero();
      }
      if (sawError && !error && health().equals("success")) {
        break;
      }
      assertThat(System.nanoTime() - t0)
          .as("recovery after a kill; status now %s", s)
          .isLessThan(Duration.ofSeconds(60).toNanos());
      Thread.sleep(10);
    }
    assertThat(status().at("/started").isTextual()).isTrue();
    assertThat(get()).contains("hello");
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Test
  @Order(1)
  void theContainerRunsUnderTheConfiguredMemoryLimitInItsCgroup() throws Exception {
    rig.manager().install(TestPackages.build(TestPackages.Variant.v1()));
    rig.manager().start(ID);
    await("healthy after start", Duration.ofSeconds(60), () -> health().equals("success"));
    Path memory = payloadCgroup("memory");
    assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).strip())
        .isEqualTo(Long.toString(MEMORY_LIMIT));
    assertThat(Files.readString(payloadCgroup("pids").resolve("pids.max")).strip())
        .isEqualTo("4096");
    assertThat(rig.backend().usage(ID).memoryLimitBytes()).isEqualTo(MEMORY_LIMIT);
    assertThat(logLines()).anyMatch(l -> l.contains("memory limit 768 MiB"));
  }

  @Test
  @Order(2)
  void aRuntimeKilledFromTheHostComesBackHealthyShowingTheErrorMeanwhile() throws Exception {
    List<Long> node = pidsNamed("node");
    assertThat(node).hasSize(1);
    long ms = killAndAwaitRecovery(node.get(0));
    timings.add("runtime node killed -> healthy again: " + ms + " ms");
    assertThat(pidsNamed("node")).hasSize(1).doesNotContain(node.get(0));
    List<String> log = logLines();
    assertThat(log).anyMatch(l -> l.contains("restarting " + ID + " in 1 s"));
    // brought back as StartOS's rebuild does: init with no kind, not a second install
    String lastInit =
        log.stream()
            .filter(l -> l.contains("hello-test init kind="))
            .reduce((a, b) -> b)
            .orElse("");
    assertThat(lastInit).contains("kind=null");
  }

  @Test
  @Order(3)
  void aWholeContainerDyingComesBackTooAfterALongerWait() throws Exception {
    long ms = killAndAwaitRecovery(containerInitPid());
    timings.add("container init killed -> healthy again: " + ms + " ms");
    assertThat(logLines()).anyMatch(l -> l.contains("restarting " + ID + " in 2 s"));
    assertThat(rig.backend().state(ID)).isEqualTo(ContainerState.RUNNING);
  }

  @Test
  @Order(4)
  void aStopDuringTheBackoffWinsOverTheRestart() throws Exception {
    kill(pidsNamed("node").get(0));
    await("error shown", Duration.ofSeconds(20), () -> status().at("/error/details").isTextual());
    rig.manager().stop(ID);
    // the third crash in a row waits 4 s; give it more than that
    Thread.sleep(6_000);
    assertThat(logLines()).anyMatch(l -> l.contains("restarting " + ID + " in 4 s"));
    assertThat(status().at("/desired/main").asText()).isEqualTo("stopped");
    assertThat(status().at("/started").isNull()).isTrue();
    assertThat(rig.backend().state(ID)).isNotEqualTo(ContainerState.RUNNING);
    rig.manager().start(ID);
    await("healthy after start", Duration.ofSeconds(60), () -> health().equals("success"));
    assertThat(status().at("/error").isNull()).isTrue();
  }

  @Test
  @Order(5)
  void cancellingWhenNoInstallRunsSaysSo() {
    assertThatThrownBy(() -> rig.manager().cancelInstall(ID))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("no install of " + ID + " is in progress");
  }

  /** Starts an install in the background and waits until its init holds on the seam. */
  private CompletableFuture<String> installHeldInInit(TestPackages.Variant v) throws Exception {
    Path file = TestPackages.build(v.waitingInInit());
    Path marker =
        rig.dataDir().resolve("packages").resolve(ID).resolve("volumes/main/init-waiting");
    Files.deleteIfExists(marker);
    CompletableFuture<String> install = new CompletableFuture<>();
    Thread.ofVirtual()
        .start(() -> {
          try {
            install.complete(rig.manager().install(file));
          } catch (RuntimeException e) {
            install.completeExceptionally(e);
          }
        });
    await(
        "init reaching the seam",
        Duration.ofSeconds(60),
        () -> Files.exists(marker) || install.isDone());
    assertThat(install).isNotDone();
    return install;
  }

  private static void assertCancelled(CompletableFuture<String> install) {
    assertThat(install)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            RpcException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CANCELLED))
        .withMessageContaining("cancelled");
  }

  @Test
  @Order(6)
  void cancellingAFirstInstallDuringInitLeavesNothingAndALaterInstallWorks() throws Exception {
    rig.manager().uninstall(ID, false, false);
    CompletableFuture<String> install = installHeldInInit(TestPackages.Variant.v1());
    assertThat(entry().at("/stateInfo/state").asText()).isEqualTo("installing");
    assertThat(rig.backend().forwards()).isNotEmpty(); // its init bound port 80 before the seam
    long t0 = System.nanoTime();
    rig.manager().cancelInstall(ID);
    timings.add("cancel-install during init: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    assertCancelled(install);
    assertThat(rig.db().get("/public/packageData/" + ID)).isEmpty();
    assertThat(Files.exists(rig.dataDir().resolve("packages").resolve(ID))).isFalse();
    assertThat(Files.exists(rig.dataDir().resolve("logs").resolve(ID))).isFalse();
    assertThat(PackageMounts.under(rig.dataDir())).isEmpty();
    assertThat(rig.backend().containers()).isEmpty();
    assertThat(rig.backend().forwards()).isEmpty();
    assertThat(rig.db().get("/private/availablePorts").map(JsonNode::size).orElse(0)).isZero();
    assertThat(rig.manager().find(ID)).isEmpty();

    rig.manager().install(TestPackages.build(TestPackages.Variant.v1()));
    rig.manager().start(ID);
    await("healthy after reinstall", Duration.ofSeconds(60), () -> health().equals("success"));
    assertThat(get()).contains("hello from 1.0.0:0");
  }

  @Test
  @Order(7)
  void cancellingAnUpdateDuringItsInitLeavesTheOldVersionInstalledAndRunning() throws Exception {
    CompletableFuture<String> install = installHeldInInit(TestPackages.Variant.v09());
    assertThat(entry().at("/stateInfo/state").asText()).isEqualTo("updating");
    rig.manager().cancelInstall(ID);
    assertCancelled(install);
    assertThat(entry().at("/stateInfo/state").asText()).isEqualTo("installed");
    assertThat(entry().at("/stateInfo/manifest/version").asText()).isEqualTo("1.0.0:0");
    assertThat(entry().at("/stateInfo/installingInfo").isMissingNode()).isTrue();
    await("healthy after the cancel", Duration.ofSeconds(60), () -> health().equals("success"));
    assertThat(status().at("/desired/main").asText()).isEqualTo("running");
    assertThat(get()).contains("hello from 1.0.0:0");
    assertThat(Files.exists(rig.dataDir().resolve("tmp/previous-" + ID))).isFalse();
    assertThat(Files.exists(rig.dataDir().resolve("tmp/update-" + ID))).isFalse();

    // and the same update goes through afterwards
    rig.manager().install(TestPackages.build(TestPackages.Variant.v09()));
    assertThat(entry().at("/stateInfo/manifest/version").asText()).isEqualTo("0.9.0:0");
    await("healthy after the update", Duration.ofSeconds(60), () -> health().equals("success"));
  }

  @Test
  @Order(8)
  void anUpdateACrashInterruptedGoesBackToTheInstalledVersionKeepingItsVolume() throws Exception {
    String page = get();
    rig.stopManager();
    // what a crash right after the swap leaves: old files aside, new ones in place, state updating
    Path dir = rig.dataDir().resolve("packages").resolve(ID);
    Path previous = rig.dataDir().resolve("tmp/previous-" + ID);
    Files.createDirectories(previous);
    for (String part : List.of("package.s9pk", "javascript.squashfs", "images", "image-meta")) {
      Files.move(dir.resolve(part), previous.resolve(part));
    }
    Files.writeString(previous.resolve(".complete"), "");
    Files.writeString(dir.resolve("javascript.squashfs"), "the new version, half written");
    Files.createDirectories(rig.dataDir().resolve("tmp/update-" + ID));
    rig.db()
        .mutate(root -> {
          var stateInfo =
              (com.fasterxml.jackson.databind.node.ObjectNode)
                  root.at("/public/packageData/" + ID + "/stateInfo");
          JsonNode manifest = stateInfo.get("manifest").deepCopy();
          stateInfo.put("state", "updating");
          var info = stateInfo.putObject("installingInfo");
          info.putObject("newManifest").put("id", ID).put("version", "1.0.0:0");
          info.putNull("progress");
          stateInfo.set("manifest", manifest);
          return null;
        });
    rig.startManager();
    assertThat(entry().at("/stateInfo/state").asText()).isEqualTo("installed");
    assertThat(entry().at("/stateInfo/manifest/version").asText()).isEqualTo("0.9.0:0");
    await("healthy after the restart", Duration.ofSeconds(60), () -> health().equals("success"));
    assertThat(get()).isEqualTo(page);
    assertThat(Files.exists(previous)).isFalse();
    assertThat(Files.exists(rig.dataDir().resolve("tmp/update-" + ID))).isFalse();
  }

  /**
   * The runtime killed right after it answered start, while startd still holds the service's lock
   * to mark it running, again and again: each time the crash is recorded after the start (never
   * overwritten by it), and once the dust settles the database shows what really runs.
   */
  @Test
  @Order(9)
  void aRuntimeDyingRightAfterStartIsNeverLeftShownRunning() throws Exception {
    Service service = rig.manager().find(ID).orElseThrow();
    rig.manager().stop(ID);
    for (int i = 0; i < 5; i++) {
      service.afterStartAnswered(() -> {
        rig.backend().exec(ID, "sh", "-c", "kill -9 $(pidof node)");
        try {
          await(
              "the runtime's connection closed",
              Duration.ofSeconds(20),
              () -> !service.runtimeConnected());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      try {
        rig.manager().start(ID);
      } finally {
        service.afterStartAnswered(() -> {});
      }
      await(
          "the crash shown after start #" + i,
          Duration.ofSeconds(30),
          () -> status().at("/error/details").isTextual() && status().at("/started").isNull());
      assertThat(service.state()).isInstanceOf(ServiceState.Failed.class);
      rig.manager().stop(ID);
    }
    rig.manager().start(ID);
    await("healthy after the last start", Duration.ofSeconds(60), () -> health().equals("success"));
    // what the database shows is what runs
    assertThat(status().at("/started").isTextual()).isTrue();
    assertThat(status().at("/error").isNull()).isTrue();
    assertThat(service.state()).isInstanceOf(ServiceState.Running.class);
    assertThat(pidsNamed("node")).hasSize(1);
    assertThat(get()).contains("hello");
  }
}
