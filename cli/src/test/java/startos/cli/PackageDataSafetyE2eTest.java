package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import startos.s9pk.merkle.DeveloperKey;

/**
 * Data safety against a real startd (a child process, so it can be SIGKILLed) in real LXC, driven
 * through start-cli: an update must come from the installed package's developer key, an update
 * whose init fails rolls back to the running old version, and volumes an {@code uninstall --soft}
 * keeps survive a crash in the middle of it and failed or cancelled reinstalls.
 */
@Timeout(600)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackageDataSafetyE2eTest {
  private static final Path PACKAGES = E2eStartd.PACKAGES;
  private static final String HELLO = "hello-world";
  private static final String SLOW = "slow-init";

  private E2eStartd box;
  private Path hello100;
  private Path hello120Broken;
  private Path hello110ByImpostor;
  private Path slowInit;
  private Path slowInitByImpostor;
  private String ownKey;
  private String impostorKey;

  @BeforeAll
  void start() throws Exception {
    E2eStartd.assumeContainersAndPackages(HELLO, SLOW);
    box = E2eStartd.startProcess("startos-datasafety-e2e");
    Path own = box.dir().resolve("home/.startos/developer.key.pem");
    Path impostor = box.dir().resolve("impostor.key.pem");
    DeveloperKey.generate().save(impostor);
    ownKey = "ed25519:" + DeveloperKey.load(own).verifyingKey().hex();
    impostorKey = "ed25519:" + DeveloperKey.load(impostor).verifyingKey().hex();
    hello100 = box.pack(PACKAGES.resolve("hello-world/build/v1.0.0"), "hello-world_1.0.0.s9pk");
    hello120Broken =
        box.pack(PACKAGES.resolve("hello-world/build/v1.2.0-broken"), "hello-world_1.2.0.s9pk");
    hello110ByImpostor =
        box.packSignedBy(impostor, PACKAGES.resolve(HELLO), "hello-world_1.1.0-impostor.s9pk");
    slowInit = box.pack(PACKAGES.resolve(SLOW), "slow-init.s9pk", SLOW);
    slowInitByImpostor = box.packSignedBy(impostor, PACKAGES.resolve(SLOW), "slow-init-x.s9pk");
  }

  @AfterAll
  void stop() throws IOException {
    if (box != null) {
      box.close();
    }
  }

  @Test
  @Order(1)
  void anUpdateWhoseInitFailsRollsBackToTheOldVersionRunningWithItsDataAndSaysWhy()
      throws Exception {
    E2eStartd.ok(box.run("package", "install", "-s", hello100.toString()));
    E2eStartd.ok(box.run("package", "start", HELLO));
    box.awaitHealthy(HELLO);
    Files.writeString(box.volume(HELLO, "main").resolve("user-data.txt"), "precious\n");
    Map<String, String> before = E2eSystem.digests(box.volume(HELLO, "main"));

    var update = box.run("package", "install", "-s", hello120Broken.toString());
    assertThat(update.exitCode()).as(update.toString()).isNotZero();
    assertThat(update.err())
        .contains("Update of hello-world to 1.2.0:0 failed; rolled back to 1.0.0:0");

    JsonNode entry = box.dump().path("packageData").path(HELLO);
    assertThat(entry.at("/stateInfo/state").asText()).isEqualTo("installed");
    assertThat(entry.at("/stateInfo/manifest/version").asText()).isEqualTo("1.0.0:0");
    assertThat(box.run("package", "installed-version", HELLO).out().strip()).isEqualTo("1.0.0:0");
    box.awaitHealthy(HELLO);
    assertThat(E2eStartd.status(box.dump(), HELLO).at("/desired/main").asText())
        .isEqualTo("running");
    assertThat(E2eStartd.get(box.assignedPort(HELLO)))
        .hasValueSatisfying(page -> assertThat(page).contains("1.0.0"));
    // the rolled-back boot appended to init.log and main rewrote its page; nothing else changed
    Map<String, String> after = E2eSystem.digests(box.volume(HELLO, "main"));
    for (String rewritten : new String[] {"init.log", "www/index.html"}) {
      after.remove(rewritten);
      before.remove(rewritten);
    }
    assertThat(after).isEqualTo(before);
    assertThat(Files.exists(box.dataDir().resolve("tmp/previous-" + HELLO))).isFalse();
    var notes = box.run("--format", "json", "notification", "list");
    E2eStartd.ok(notes);
    assertThat(notes.out())
        .contains(
            "Update of hello-world to 1.2.0:0 failed; rolled back to 1.0.0:0: hello-world 1.2.0:"
                + " deliberate failure during init (test package)");
  }

  @Test
  @Order(2)
  void anUpdateSignedByAnotherDeveloperKeyIsRefusedUnlessTheUserAllowsTheChange() throws Exception {
    box.awaitHealthy(HELLO);
    Map<String, String> before = E2eSystem.digests(box.volume(HELLO, "main"));
    JsonNode entryBefore = box.dump().path("packageData").path(HELLO);

    var refused = box.run("package", "install", "-s", hello110ByImpostor.toString());
    assertThat(refused.exitCode()).as(refused.toString()).isNotZero();
    assertThat(refused.err())
        .contains("signed by developer key " + impostorKey)
        .contains("was signed by " + ownKey)
        .contains("--allow-key-change");
    JsonNode entry = box.dump().path("packageData").path(HELLO);
    assertThat(entry.at("/stateInfo/state").asText()).isEqualTo("installed");
    assertThat(entry.at("/stateInfo/manifest/version").asText()).isEqualTo("1.0.0:0");
    assertThat(entry.path("developerKey")).isEqualTo(entryBefore.path("developerKey"));
    assertThat(entry.at("/statusInfo/started").asText())
        .isEqualTo(entryBefore.at("/statusInfo/started").asText());
    assertThat(E2eSystem.digests(box.volume(HELLO, "main"))).isEqualTo(before);
    assertThat(E2eStartd.get(box.assignedPort(HELLO)))
        .hasValueSatisfying(page -> assertThat(page).contains("1.0.0"));

    var allowed =
        box.run("package", "install", "--allow-key-change", "-s", hello110ByImpostor.toString());
    E2eStartd.ok(allowed);
    entry = box.dump().path("packageData").path(HELLO);
    assertThat(entry.at("/stateInfo/manifest/version").asText()).isEqualTo("1.1.0:0");
    assertThat(Files.readString(box.volume(HELLO, "main").resolve("user-data.txt")))
        .isEqualTo("precious\n");
    assertThat(entry.path("developerKey").asText())
        .isNotEqualTo(entryBefore.path("developerKey").asText());
    E2eStartd.ok(box.run("package", "uninstall", HELLO));
  }

  @Test
  @Order(3)
  void softUninstallKilledMidwayAndFailedReinstallsKeepTheVolumesByteForByte() throws Exception {
    Path volume = box.volume(SLOW, "main");
    CompletableFuture<CliRun.Result> install = installHeldInInit(slowInit, volume);
    Files.writeString(volume.resolve("init-go"), "go\n");
    E2eStartd.ok(install.get());
    // user data: a seeded random file and a nested one
    long seed = System.nanoTime();
    System.out.println("e2e: volume content seed " + seed);
    byte[] data = new byte[1 << 20];
    new Random(seed).nextBytes(data);
    Files.write(volume.resolve("data.bin"), data);
    Files.createDirectories(volume.resolve("nested/dir"));
    Files.writeString(volume.resolve("nested/dir/notes.txt"), "kept means kept\n");

    // uninstall --soft held in the package's uninit, then startd SIGKILLed right there
    Files.writeString(volume.resolve("hold-uninit"), "");
    CompletableFuture<CliRun.Result> uninstall =
        CompletableFuture.supplyAsync(() -> box.run("package", "uninstall", "--soft", SLOW));
    await(
        "uninit held", () -> Files.exists(volume.resolve("uninit-waiting")) || uninstall.isDone());
    assertThat(uninstall).as("uninstall ended before its uninit was held").isNotDone();
    assertThat(box.dump().at("/packageData/" + SLOW + "/stateInfo/state").asText())
        .isEqualTo("removing");
    Map<String, String> kept = E2eSystem.digests(volume);
    box.killStartd();
    assertThat(uninstall.get().exitCode()).isNotZero();
    box.startStartd();
    box.mountKeptDisk(SLOW);
    assertThat(E2eSystem.digests(volume)).isEqualTo(kept);
    assertThat(box.dump().path("packageData").has(SLOW)).isFalse();
    Files.delete(volume.resolve("hold-uninit"));
    Files.delete(volume.resolve("uninit-waiting"));
    Files.delete(volume.resolve("init-go")); // so the reinstalls below wait in their init
    kept = E2eSystem.digests(volume);

    // a reinstall signed by someone else does not get the kept data
    var impostor = box.run("package", "install", "-s", slowInitByImpostor.toString());
    assertThat(impostor.exitCode()).as(impostor.toString()).isNotZero();
    assertThat(impostor.err())
        .contains("signed by developer key " + impostorKey)
        .contains("kept by a soft uninstall");
    assertThat(E2eSystem.digests(volume)).isEqualTo(kept);

    // a reinstall cancelled in its init
    install = installHeldInInit(slowInit, volume);
    E2eStartd.ok(box.run("package", "cancel-install", SLOW));
    assertThat(install.get().exitCode()).isNotZero();
    assertThat(box.dump().path("packageData").has(SLOW)).isFalse();
    box.mountKeptDisk(SLOW);
    assertThat(E2eSystem.digests(volume)).isEqualTo(kept);

    // a reinstall that startd dies in the middle of
    install = installHeldInInit(slowInit, volume);
    box.killStartd();
    assertThat(install.get().exitCode()).isNotZero();
    box.startStartd();
    assertThat(box.dump().path("packageData").has(SLOW)).isFalse();
    box.mountKeptDisk(SLOW);
    assertThat(E2eSystem.digests(volume)).isEqualTo(kept);

    // the reinstall that goes through finds the data; after it, a plain uninstall deletes it
    install = installHeldInInit(slowInit, volume);
    Files.writeString(volume.resolve("init-go"), "go\n");
    E2eStartd.ok(install.get());
    assertThat(Files.readAllBytes(volume.resolve("data.bin"))).isEqualTo(data);
    assertThat(Files.readString(volume.resolve("nested/dir/notes.txt")))
        .isEqualTo("kept means kept\n");
    E2eStartd.ok(box.run("package", "uninstall", SLOW));
    assertThat(box.dataDir().resolve("packages").resolve(SLOW)).doesNotExist();
  }

  /** Sideloads in the background and waits until the package's init holds on its seam. */
  private CompletableFuture<CliRun.Result> installHeldInInit(Path s9pk, Path volume)
      throws Exception {
    Files.deleteIfExists(volume.resolve("init-waiting"));
    CompletableFuture<CliRun.Result> install =
        CompletableFuture.supplyAsync(() -> box.run("package", "install", "-s", s9pk.toString()));
    await("init held", () -> Files.exists(volume.resolve("init-waiting")) || install.isDone());
    assertThat(install).as("install ended before its init was held").isNotDone();
    return install;
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
