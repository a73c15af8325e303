package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * SDK-built packages (test-packages/) packed by our start-cli and run by a real startd in real LXC
 * containers, driven only through start-cli, HTTP to the service and {@code db dump}.
 */
@Timeout(240)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackageLifecycleE2eTest {
  private static final Path PACKAGES = E2eStartd.PACKAGES;
  private E2eStartd box;
  private Path dir;
  private Path dataDir;
  private Path packed;

  @BeforeAll
  void start() throws Exception {
    E2eStartd.assumeContainersAndPackages("hello-world", "init-fails", "crasher");
    box = E2eStartd.start("startos-e2e");
    dir = box.dir();
    dataDir = box.dataDir();
    packed = box.pack(PACKAGES.resolve("hello-world"), "hello-world_1.1.0.s9pk").getParent();
    box.pack(PACKAGES.resolve("hello-world/build/v1.0.0"), "hello-world_1.0.0.s9pk");
    box.pack(PACKAGES.resolve("init-fails"), "init-fails.s9pk");
    box.pack(PACKAGES.resolve("crasher"), "crasher.s9pk");
  }

  @AfterAll
  void stop() throws IOException {
    if (box != null) {
      box.close();
    }
  }

  @Test
  @Order(1)
  void helloWorldRunsSurvivesARestartDowngradesAndUninstallsCleanly() throws Exception {
    long t0 = System.nanoTime();
    var install =
        box.run("package", "install", "-s", packed.resolve("hello-world_1.1.0.s9pk").toString());
    E2eStartd.ok(install);
    E2eStartd.log("install 1.1.0", t0);
    assertThat(box.run("package", "list").out()).contains("hello-world").contains("1.1.0");
    assertThat(box.run("package", "installed-version", "hello-world").out().strip())
        .isEqualTo("1.1.0:0");

    t0 = System.nanoTime();
    E2eStartd.ok(box.run("package", "start", "hello-world"));
    box.awaitHealthy("hello-world");
    E2eStartd.log("start -> healthy", t0);
    int port = box.assignedPort("hello-world");
    assertThat(E2eStartd.get(port))
        .hasValueSatisfying(page -> assertThat(page).contains("Hello World 1.1.0"));

    E2eStartd.ok(box.run("package", "stop", "hello-world"));
    box.awaitDb(
        "hello-world stopped",
        db ->
            E2eStartd.status(db, "hello-world")
                    .path("desired")
                    .path("main")
                    .asText()
                    .equals("stopped")
                && E2eStartd.get(port).isEmpty());
    assertThat(E2eStartd.refused(port)).as("connection to the stopped service is refused").isTrue();
    assertThat(E2eStartd.status(box.dump(), "hello-world").path("started").isNull())
        .as("started is cleared on stop")
        .isTrue();

    t0 = System.nanoTime();
    E2eStartd.ok(box.run("package", "start", "hello-world"));
    box.awaitHealthy("hello-world");
    E2eStartd.log("restart -> healthy", t0);
    assertThat(E2eStartd.get(box.assignedPort("hello-world"))).isPresent();

    // a new startd on the same data: the service comes back by itself
    box.stopStartd();
    assertThat(
            E2eSystem.run(
                "lxc-ls", "--running", "-P", dataDir.resolve("lxc/containers").toString()))
        .as("containers stop with startd")
        .doesNotContain("hello-world");
    assertThat(E2eSystem.mountsUnder(dataDir)).as("mounts while startd is down").isEmpty();
    t0 = System.nanoTime();
    box.startStartd();
    box.awaitHealthy("hello-world");
    E2eStartd.log("new startd -> healthy", t0);
    int portAfterRestart = box.assignedPort("hello-world");
    assertThat(E2eStartd.get(portAfterRestart)).isPresent();

    // rebuild: a fresh container from the installed package, running again as the user wanted
    String startedBefore = E2eStartd.status(box.dump(), "hello-world").path("started").asText();
    t0 = System.nanoTime();
    E2eStartd.ok(box.run("package", "rebuild", "hello-world"));
    box.awaitDb(
        "hello-world restarted by the rebuild",
        db -> {
          JsonNode st = E2eStartd.status(db, "hello-world");
          return st.path("started").isTextual()
              && !st.path("started").asText().equals(startedBefore);
        });
    box.awaitHealthy("hello-world");
    E2eStartd.log("rebuild -> healthy", t0);
    assertThat(E2eStartd.get(box.assignedPort("hello-world"))).isPresent();
    Path volume = box.volume("hello-world", "main");
    String initLogBefore = E2eStartd.readIfExists(volume.resolve("init.log"));
    System.out.println("e2e: init.log before the downgrade:\n" + initLogBefore);
    assertThat(initLogBefore).contains("install 1.1.0:0");

    // downgrade: 1.0.0 over 1.1.0
    t0 = System.nanoTime();
    E2eStartd.ok(
        box.run("package", "install", "-s", packed.resolve("hello-world_1.0.0.s9pk").toString()));
    E2eStartd.log("install 1.0.0 over 1.1.0", t0);
    assertThat(box.run("package", "installed-version", "hello-world").out().strip())
        .isEqualTo("1.0.0:0");
    assertThat(E2eStartd.readIfExists(volume.resolve("init.log")))
        .as("volume content written by 1.1.0 survives the downgrade")
        .startsWith(initLogBefore);
    System.out.println(
        "e2e: init.log after the downgrade:\n"
            + E2eStartd.readIfExists(volume.resolve("init.log")));
    assertThat(E2eStartd.readIfExists(volume.resolve("init.log")).strip())
        .endsWith("update 1.0.0:0");
    box.awaitHealthy("hello-world");
    assertThat(E2eStartd.get(box.assignedPort("hello-world")))
        .as("the service runs again after the downgrade, now as 1.0.0")
        .hasValueSatisfying(page -> assertThat(page).contains("Hello World 1.0.0"));

    // up again: 1.1.0's up migration leaves its marker; down again: its down migration removes it
    E2eStartd.ok(
        box.run("package", "install", "-s", packed.resolve("hello-world_1.1.0.s9pk").toString()));
    assertThat(volume.resolve("migrated-to-1.1.0")).as("1.1.0's up migration ran").exists();
    assertThat(E2eStartd.readIfExists(volume.resolve("init.log")).strip())
        .endsWith("update 1.1.0:0");
    E2eStartd.ok(
        box.run("package", "install", "-s", packed.resolve("hello-world_1.0.0.s9pk").toString()));
    assertThat(volume.resolve("migrated-to-1.1.0")).as("1.1.0's down migration ran").doesNotExist();
    assertThat(box.run("package", "installed-version", "hello-world").out().strip())
        .isEqualTo("1.0.0:0");
    box.awaitHealthy("hello-world");

    var logs = box.run("package", "logs", "hello-world", "-l", "20");
    E2eStartd.ok(logs);
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
    E2eStartd.ok(box.run("package", "uninstall", "hello-world"));
    box.awaitDb("hello-world gone", db -> !db.path("packageData").has("hello-world"));
    box.assertNothingLeftOf("hello-world", ip);
  }

  @Test
  @Order(2)
  void aFailingInitIsReportedWithThePackagesMessageAndLeavesNothing() throws Exception {
    var r = box.run("package", "install", "-s", packed.resolve("init-fails.s9pk").toString());
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    assertThat(r.err()).contains("deliberate failure during init");
    assertThat(box.run("--format", "json", "notification", "list").out())
        .contains("Installing Failed")
        .contains("init-fails: deliberate failure during init (test package)");
    box.awaitDb("init-fails gone", db -> !db.path("packageData").has("init-fails"));
    box.assertNothingLeftOf("init-fails", "");
  }

  /**
   * The SDK's Daemons restart a daemon that exits with a growing backoff (0 s, 1 s, 2 s, …); the
   * crasher's readiness check has no display name, so the SDK reports no health for it: the service
   * stays "running" and the crashes show in its logs.
   */
  @Test
  @Order(3)
  void aCrashingDaemonIsRestartedByTheSdkAndItsCrashesShowInTheLogs() throws Exception {
    E2eStartd.ok(box.run("package", "install", "-s", packed.resolve("crasher.s9pk").toString()));
    long t0 = System.nanoTime();
    E2eStartd.ok(box.run("package", "start", "crasher"));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    String logs = "";
    while (System.nanoTime() < deadline && starts(logs) < 3) {
      Thread.sleep(500);
      logs = box.run("package", "logs", "crasher", "-l", "100").out();
    }
    E2eStartd.log("crasher: 3 starts seen", t0);
    assertThat(starts(logs)).as(logs).isGreaterThanOrEqualTo(3);
    assertThat(logs)
        .as("the daemon's own output and the SDK's report of each exit")
        .contains("crasher: exiting with 3")
        .contains("Error: busybox exited with code 3");
    System.out.println("e2e: crasher logs:\n" + logs);
    JsonNode status = E2eStartd.status(box.dump(), "crasher");
    System.out.println("crasher statusInfo: " + status);
    assertThat(status.path("desired").path("main").asText()).isEqualTo("running");
    assertThat(status.path("started").isTextual()).as(status.toString()).isTrue();
    assertThat(status.path("health").size()).as(status.toString()).isZero();
    E2eStartd.ok(box.run("package", "uninstall", "crasher"));
    box.awaitDb("crasher gone", d -> !d.path("packageData").has("crasher"));
    box.assertNothingLeftOf("crasher", "");
  }

  /**
   * A data dir the containers' root cannot reach fails the install, naming the directory to fix.
   */
  @Test
  @Order(4)
  void aDataDirContainersCannotReachIsNamedInTheError() throws Exception {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    try {
      var r = box.run("package", "install", "-s", packed.resolve("crasher.s9pk").toString());
      assertThat(r.exitCode()).as(r.toString()).isNotZero();
      assertThat(r.err()).contains("installing crasher failed: " + dir + " is not searchable");
      // the progress stream's close reason is short; the notification has all of it
      var notes = box.run("--format", "json", "notification", "list");
      E2eStartd.ok(notes);
      assertThat(notes.out())
          .contains("Installing Failed")
          .contains("chmod o+x " + dir)
          .contains("(data dir " + dataDir + ")");
    } finally {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    }
    box.awaitDb("crasher not installed", d -> !d.path("packageData").has("crasher"));
    box.assertNothingLeftOf("crasher", "");
  }

  // ---- helpers

  private static long starts(String logs) {
    return logs.lines().filter(l -> l.contains("crasher: started")).count();
  }
}
