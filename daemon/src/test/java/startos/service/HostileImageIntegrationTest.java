package startos.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import startos.container.ExecRequest;
import startos.container.ExecResult;

/**
 * A package whose image carries a block node of the host's disk, {@code /dev/mem}, a setuid-root
 * binary and a file capability, installed and run in real LXC: from inside its container no device
 * of the host opens, the setuid bit gives no privilege, and the host's unpacked image holds none of
 * it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(180)
class HostileImageIntegrationTest {
  static final String ID = "hello-test";
  private static final String CGROUP_PREFIX = "startos-hostit";

  private ServiceRig rig;

  @BeforeAll
  void setUp() throws IOException {
    ServiceRig.assumeAvailable();
    rig =
        ServiceRig.open(
            "startos-hostile-it",
            "sthostbr0",
            "10.212.35.1",
            "startos_host_it",
            CGROUP_PREFIX,
            s -> s);
    rig.manager().install(TestPackages.build(TestPackages.Variant.v1().withHostileImage()));
  }

  @AfterAll
  void tearDown() {
    if (rig != null) {
      rig.close(ID);
    }
  }

  private PackageLayout layout() {
    return PackageLayout.of(rig.dataDir(), ID);
  }

  /** Runs {@code sh -c script} as the container's root; returns exit code and output. */
  private ExecResult inContainer(String script) {
    return rig.backend()
        .exec(ID, ExecRequest.of("/bin/sh", "-c", script).withTimeout(Duration.ofSeconds(30)));
  }

  @Test
  @Order(1)
  void deviceNodesSocketsAndFileCapabilitiesOfAnImageAreDroppedAtUnpack() throws Exception {
    Path image = layout().images().resolve("main");
    assertThat(image.resolve("bin/busybox")).as("the image itself is unpacked").isRegularFile();
    assertThat(image.resolve("dev/hostdisk")).doesNotExist();
    assertThat(image.resolve("dev/mem")).doesNotExist();
    assertThat(Files.getAttribute(image.resolve("tmp/fifo"), "unix:mode"))
        .as("a fifo reaches nothing outside and stays")
        .matches(mode -> ((Integer) mode & 0170000) == 0010000);
    assertThat(host("getcap", image.resolve("bin/capable").toString()))
        .as("file capabilities (security.capability xattr)")
        .isEmpty();
    try (Stream<Path> walk = Files.walk(image)) {
      List<String> special = new ArrayList<>();
      for (Path p : walk.toList()) {
        int type =
            (Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS)
                & 0170000;
        if (type == 0020000 || type == 0060000 || type == 0140000) {
          special.add(p.toString());
        }
      }
      assertThat(special).as("device nodes and sockets left in the image").isEmpty();
    }
  }

  @Test
  @Order(2)
  void insideTheContainerNoDeviceOfTheHostOpensAndSetuidGivesNothing() throws Exception {
    rig.manager().start(ID);
    long t0 = System.nanoTime();
    while (!rig.health(ID).equals("success")) {
      assertThat(System.nanoTime() - t0)
          .as("health of web, now '%s'", rig.health(ID))
          .isLessThan(Duration.ofSeconds(60).toNanos());
      Thread.sleep(50);
    }
    String sub = "/media/startos/subcontainers/" + subcontainerGuid();
    List<String> disk = TestPackages.rootDisk();

    assertThat(inContainer("test -e " + sub + "/dev/hostdisk || echo absent").stdout())
        .as("the image's block node of the host disk, in the running subcontainer")
        .contains("absent");

    // container root making its own node of the host disk: denied (user namespace and cgroup)
    ExecResult mknod =
        inContainer("mknod /tmp/disk b " + disk.get(0) + " " + disk.get(1) + " && echo made");
    assertThat(mknod.stdout()).doesNotContain("made");

    // a node that slipped into package data by another way: the volume is nodev, the cgroup denies
    Path planted = layout().volumes().resolve("main/planted-disk");
    host("mknod", "-m", "666", planted.toString(), "b", disk.get(0), disk.get(1));
    host("chown", "100000:100000", planted.toString());
    ExecResult read = inContainer("head -c 512 /media/startos/volumes/main/planted-disk | wc -c");
    assertThat(read.stdout().strip()).as("bytes read from the host disk: " + read).isEqualTo("0");
    assertThat(read.stderr()).contains("planted-disk");
    Files.delete(planted);

    // the image's setuid-root binary, run as an ordinary user in the container, stays that user
    ExecResult euid =
        inContainer("start-container subcontainer exec --user=1000 " + sub + " /bin/euid");
    assertThat(euid.stdout().strip()).as(euid.toString()).isEqualTo("1000");

    // every mount of package data inside the container is nodev,nosuid (the SDK's rbinds of the
    // container's own /dev and /sys into a subcontainer are not package data)
    List<String> packageMounts =
        inContainer("cat /proc/self/mountinfo")
            .stdout()
            .lines()
            .filter(l -> {
              String at = l.split(" ")[4];
              return (at.startsWith("/media/startos/") || at.equals("/usr/lib/startos/package"))
                  && !at.startsWith(sub + "/dev")
                  && !at.startsWith(sub + "/sys");
            })
            .toList();
    assertThat(packageMounts).isNotEmpty();
    assertThat(packageMounts)
        .allSatisfy(l -> assertThat(l.split(" ")[5]).contains("nodev").contains("nosuid"));

    // the container's device cgroup allows only the usual character devices, no block device
    Path list = Path.of("/sys/fs/cgroup/devices", CGROUP_PREFIX + ".payload." + ID, "devices.list");
    List<String> allowed = Files.readAllLines(list);
    assertThat(allowed).doesNotContain("a *:* rwm").noneMatch(l -> l.startsWith("b "));
    assertThat(allowed).contains("c 1:3 rw", "c 1:9 rw", "c 136:* rw");
  }

  @Test
  @Order(3)
  void destroyFsKillsTheSubcontainersProcessesBeforeDeletingAndTouchesNothingOutside()
      throws Exception {
    Path canary = Files.createDirectories(rig.work().resolve("destroy-canary"));
    Files.writeString(canary.resolve("keep"), "host data\n");
    Service service = rig.manager().find(ID).orElseThrow();
    String guid = service.subcontainers().createFs("main", Optional.of("live")).get(1);
    Path root = layout().subcontainers().resolve(guid);
    long overlay = (Long) Files.getAttribute(root, "unix:dev");
    String sub = "/media/startos/subcontainers/" + guid;
    // as the SDK runs a daemon: an idle leader, then a command exec'd into its namespaces; the
    // command keeps making files and symlinks to the host's canary, and a child of its own
    String loop =
        "sleep 100000 </dev/null >/dev/null 2>&1 & mkdir -p /work; i=0; while :; do i=$((i+1));"
            + " echo x >/work/f$i; ln -sfn "
            + canary
            + " /work/victim; ln -sf "
            + canary
            + "/keep /work/l$i; echo $i >/work/.alive; done";
    ExecResult started =
        inContainer(
            "setsid start-container subcontainer launch "
                + sub
                + " </dev/null >/dev/null 2>&1 &"
                + " i=0; while [ ! -e "
                + sub
                + "/proc/1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done;"
                + " setsid start-container subcontainer exec "
                + sub
                + " /bin/sh -c '"
                + loop
                + "' live-subcontainer-loop </dev/null >/dev/null 2>&1 &");
    assertThat(started.exitCode()).as(started.toString()).isZero();
    long t0 = System.nanoTime();
    while (!Files.exists(root.resolve("work/.alive")) || rootedOn(overlay).size() < 3) {
      assertThat(System.nanoTime() - t0)
          .as("the subcontainer's processes start; rooted there now: %s", rootedOn(overlay))
          .isLessThan(Duration.ofSeconds(30).toNanos());
      Thread.sleep(50);
    }

    service.subcontainers().destroyFs(guid);

    assertThat(rootedOn(overlay)).as("processes left in the destroyed subcontainer").isEmpty();
    t0 = System.nanoTime();
    // the exec'ing parent in the container's own namespace ends with its command
    while (!processesNamed("live-subcontainer-loop").isEmpty()) {
      assertThat(System.nanoTime() - t0)
          .as("processes of the loop: %s", processesNamed("live-subcontainer-loop"))
          .isLessThan(Duration.ofSeconds(10).toNanos());
      Thread.sleep(50);
    }
    assertThat(root).doesNotExist();
    assertThat(layout().layers().resolve(guid)).doesNotExist();
    try (Stream<Path> left = Files.list(canary)) {
      assertThat(left.toList()).containsExactly(canary.resolve("keep"));
    }
    assertThat(Files.readString(canary.resolve("keep"))).isEqualTo("host data\n");
    assertThat(inContainer("echo still here").stdout())
        .as("the container and its runtime live on")
        .contains("still here");
    assertThat(rig.health(ID)).isEqualTo("success");
  }

  /** Pids whose root directory is on the filesystem with device number {@code dev}. */
  private static List<Long> rootedOn(long dev) throws IOException {
    List<Long> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (name.chars().allMatch(Character::isDigit)) {
          try {
            if ((Long) Files.getAttribute(p.resolve("root"), "unix:dev") == dev) {
              found.add(Long.parseLong(name));
            }
          } catch (IOException e) {
            // ended meanwhile
          }
        }
      }
    }
    return found;
  }

  private static List<Long> processesNamed(String marker) {
    return ProcessHandle.allProcesses()
        .filter(h -> h.info().commandLine().orElse("").contains(marker))
        .map(ProcessHandle::pid)
        .toList();
  }

  private String subcontainerGuid() throws IOException {
    try (Stream<Path> dirs = Files.list(layout().subcontainers())) {
      return dirs.filter(Files::isDirectory)
          .map(p -> p.getFileName().toString())
          .findFirst()
          .orElseThrow(() -> new AssertionError("the running package has no subcontainer"));
    }
  }

  private static String host(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out.strip();
  }
}
