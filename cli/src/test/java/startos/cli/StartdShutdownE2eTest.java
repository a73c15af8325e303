package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * startd stopped by SIGTERM (as systemd or a test harness stops it) while a package runs: it stops
 * the containers and exits instead of holding its container names until someone SIGKILLs it, and
 * the next start on the same data dir brings the package back.
 */
@Timeout(900)
class StartdShutdownE2eTest {
  private static final String HELLO = "hello-world";
  private static final String SLOW = "slow-init";

  /**
   * How long a SIGTERMed startd may take: stopping main (the package's stop timeout, 30 s, plus 10
   * s for the answer) and the container (30 s) happen at most once, in parallel per service.
   */
  private static final Duration SHUTDOWN_BOUND = Duration.ofMinutes(3);

  /**
   * The SIGTERM comes while one package runs and another's install waits in its init, which holds
   * that service's lock for as long as the package takes (up to 10 min): startd used to wait for it
   * before stopping anything.
   */
  @Test
  void aSigtermedStartdStopsItsRunningContainersExitsAndTheNextStartBringsThemBack()
      throws Exception {
    E2eStartd.assumeContainersAndPackages(HELLO, SLOW);
    try (E2eStartd box = E2eStartd.startProcess("startos-sigterm-e2e")) {
      Path hello = box.pack(E2eStartd.PACKAGES.resolve(HELLO), "hello-world.s9pk");
      Path slow = box.pack(E2eStartd.PACKAGES.resolve(SLOW), "slow-init.s9pk", SLOW);
      E2eStartd.ok(box.run("package", "install", "-s", hello.toString()));
      E2eStartd.ok(box.run("package", "start", HELLO));
      box.awaitHealthy(HELLO);
      int port = box.assignedPort(HELLO);
      assertThat(E2eStartd.get(port)).isPresent();
      Path held = box.volume(SLOW, "main").resolve("init-waiting");
      CompletableFuture<CliRun.Result> install =
          CompletableFuture.supplyAsync(() -> box.run("package", "install", "-s", slow.toString()));
      long t0 = System.nanoTime();
      while (!Files.exists(held) && !install.isDone()) {
        assertThat(System.nanoTime() - t0)
            .as("slow-init's init waits")
            .isLessThan(Duration.ofMinutes(3).toNanos());
        Thread.sleep(100);
      }
      assertThat(install).as("install ended before its init was held").isNotDone();

      int code = box.terminateStartd(SHUTDOWN_BOUND);

      assertThat(install.get().exitCode()).as("the install cut short by the shutdown").isNotZero();

      assertThat(code).as("exit code after SIGTERM (128 + 15)").isEqualTo(143);
      assertThat(box.childLog()).contains("startd: shutting down");
      assertThat(processesOfContainers())
          .as("processes left in the cgroups of the stopped startd's containers")
          .isZero();

      box.startStartd();
      box.awaitHealthy(HELLO);
      assertThat(box.dump().path("packageData").has(SLOW))
          .as("the interrupted first install is gone after the next start")
          .isFalse();
      assertThat(E2eStartd.get(box.assignedPort(HELLO)))
          .as("the package serves again after the next start")
          .isPresent();
    }
  }

  /** Processes in the pids cgroups of the child startd's containers. */
  private static long processesOfContainers() throws Exception {
    Path pids = Path.of("/sys/fs/cgroup/pids");
    String prefix = E2eStartd.PROCESS_CONTAINERS.cgroupPrefix() + ".";
    long n = 0;
    try (Stream<Path> groups = Files.list(pids)) {
      for (Path g : groups.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
        try (Stream<Path> files = Files.walk(g)) {
          for (Path procs : files.filter(f -> f.endsWith("cgroup.procs")).toList()) {
            n += Files.readAllLines(procs).stream().filter(l -> !l.isBlank()).count();
          }
        }
      }
    }
    return n;
  }
}
