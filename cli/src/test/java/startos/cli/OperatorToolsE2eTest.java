package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operator's tools against hello-world running in real LXC: {@code package stats} and {@code
 * set-limits} (numbers from its cgroups and veth, limits in the cgroup files the kernel enforces,
 * now and at the next start of its container), and {@code package attach} (a command in its
 * container and in its subcontainer, run locally as root).
 */
@Timeout(900)
class OperatorToolsE2eTest {
  private static final String HELLO = "hello-world";

  private static String cgroup(String controller, String file) throws Exception {
    Path dir =
        Path.of(
            "/sys/fs/cgroup",
            controller,
            E2eStartd.TEST_CONTAINERS.cgroupPrefix() + ".payload." + HELLO);
    return Files.readString(dir.resolve(file)).strip();
  }

  @Test
  void statsShowWhatHelloWorldUsesAndSetLimitsReachItsCgroups() throws Exception {
    E2eStartd.assumeContainersAndPackages(HELLO);
    try (E2eStartd box = E2eStartd.start("startos-stats-e2e")) {
      Path hello = box.pack(E2eStartd.PACKAGES.resolve(HELLO), "hello-world.s9pk");
      E2eStartd.ok(box.run("package", "install", "-s", hello.toString()));
      E2eStartd.ok(box.run("package", "start", HELLO));
      box.awaitHealthy(HELLO);
      assertThat(E2eStartd.get(box.assignedPort(HELLO))).as("hello-world serves").isPresent();

      var r = box.run("--format", "json", "package", "stats", HELLO);
      E2eStartd.ok(r);
      JsonNode s = RpcClient.JSON.readTree(r.out());
      assertThat(s.path("cpu").path("usageNanos").asLong()).as("cpu").isPositive();
      assertThat(s.path("memory").path("usageBytes").asLong()).as("memory").isPositive();
      assertThat(s.path("pids").path("current").asLong()).as("processes").isPositive();
      assertThat(s.path("network").path("rxBytes").asLong()).as("received").isPositive();
      assertThat(s.path("network").path("txBytes").asLong()).as("sent").isPositive();
      assertThat(s.path("blockIo").path("readBytes").asLong()).isNotNegative();
      assertThat(s.path("limits").path("maxPids").asLong()).as("default pids").isEqualTo(4096);
      var table = box.run("package", "stats", HELLO);
      assertThat(table.out()).contains("RESOURCE", "memory", "processes", "network", "block i/o");

      var set =
          box.run(
              "package",
              "set-limits",
              HELLO,
              "--memory",
              "256M",
              "--pids",
              "300",
              "--cpu-shares",
              "512",
              "--cpu-millis",
              "500");
      E2eStartd.ok(set);
      assertThat(set.out()).contains("memory 256.0 MiB", "processes 300", "cpu 0.50 cores");
      assertThat(cgroup("memory", "memory.limit_in_bytes")).isEqualTo(String.valueOf(256L << 20));
      assertThat(cgroup("pids", "pids.max")).isEqualTo("300");
      assertThat(cgroup("cpu", "cpu.shares")).isEqualTo("512");
      assertThat(cgroup("cpu", "cpu.cfs_quota_us")).isEqualTo("50000");

      var tooSmall = box.run("package", "set-limits", HELLO, "--memory", "1M");
      assertThat(tooSmall.exitCode()).isNotZero();
      assertThat(tooSmall.err()).contains("too small to run the container runtime");
      assertThat(cgroup("memory", "memory.limit_in_bytes"))
          .as("a refused limit changes nothing")
          .isEqualTo(String.valueOf(256L << 20));

      // kept in the DB: a new container (rebuild) starts with them
      E2eStartd.ok(box.run("package", "rebuild", HELLO));
      box.awaitHealthy(HELLO);
      assertThat(cgroup("pids", "pids.max")).isEqualTo("300");
      assertThat(cgroup("memory", "memory.limit_in_bytes")).isEqualTo(String.valueOf(256L << 20));
      var after =
          RpcClient.JSON.readTree(box.run("--format", "json", "package", "stats", HELLO).out());
      assertThat(after.path("limits").path("cpuMillis").asLong()).isEqualTo(500);

      E2eStartd.ok(box.run("package", "set-limits", HELLO, "--reset"));
      assertThat(cgroup("pids", "pids.max")).isEqualTo("4096");
      assertThat(cgroup("cpu", "cpu.cfs_quota_us")).isEqualTo("-1");

      // attach: the container itself (the runtime's node runs there) ...
      var inContainer =
          attach(box, HELLO, "sh", "-c", "cat /proc/1/comm; echo attached-to-container");
      E2eStartd.ok(inContainer);
      assertThat(inContainer.out()).contains("attached-to-container");
      // ... and the daemon's subcontainer, chosen by name or by image: it sees the volume at /data
      var inSub = attach(box, "-n", "httpd", HELLO, "busybox", "cat", "/data/www/index.html");
      E2eStartd.ok(inSub);
      assertThat(inSub.out()).contains("<h1>Hello World");
      var byImage = attach(box, "-i", "BUSY", HELLO, "busybox", "cat", "/data/www/index.html");
      E2eStartd.ok(byImage);
      assertThat(byImage.out()).contains("<h1>Hello World");
      var none = attach(box, "-n", "no-such", HELLO, "true");
      assertThat(none.err())
          .contains("no subcontainer of hello-world matches", "hello-world-httpd");
      var failing = attach(box, HELLO, "sh", "-c", "exit 3");
      assertThat(failing.err()).contains("the command in hello-world exited with status 3");

      E2eStartd.ok(box.run("package", "uninstall", HELLO));
      var stopped = attach(box, HELLO, "true");
      assertThat(stopped.exitCode()).isNotZero();
      assertThat(stopped.err()).contains("no container of hello-world");
    }
  }

  /** {@code package attach} as the local root runs it: against the server's own data dir. */
  private static CliRun.Result attach(E2eStartd box, String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "--data-dir";
    all[1] = box.dataDir().toString();
    all[2] = "package";
    all[3] = "attach";
    System.arraycopy(args, 0, all, 4, args.length);
    return box.cli().run(all);
  }
}
