package startos.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the backend asks of the host, checked without root through a recording runner. */
class LxcBackendTest {
  @TempDir Path tmp;
  private Path image;
  private Path cgroupRoot;
  private RecordingRunner runner;
  private LxcBackend backend;
  private LxcSettings settings;
  private Path procNet;

  @BeforeEach
  void setUp() throws Exception {
    image = Files.writeString(tmp.resolve("rootfs.squashfs"), "not really squashfs");
    cgroupRoot = Files.createDirectories(tmp.resolve("cgroup"));
    Files.createDirectories(cgroupRoot.resolve("memory"));
    Path mountInfo = tmp.resolve("mountinfo");
    runner = new RecordingRunner(mountInfo).simulatingLxc(cgroupRoot, "startos");
    settings =
        LxcSettings.defaults(tmp.resolve("state"))
            .withCgroups("startos", cgroupRoot)
            .withLxcConfigDir(tmp.resolve("no-lxc-configs"));
    procNet = Files.createDirectories(tmp.resolve("proc-net"));
    backend = new LxcBackend(settings, runner, mountInfo, new HostListeners(procNet));
  }

  @Test
  void startMountsSquashfsAndOverlayThenStartsLxcWithItsOwnConfig() throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("volume"));
    backend.start(
        ContainerSpec.of("hello-world", image, "/init.sh")
            .withMount(ContainerMount.bind(volume, "/media/startos/volumes/main")));

    Path dir = settings.containersDir().resolve("hello-world");
    assertThat(runner.named("mount"))
        .containsExactly(
            List.of(
                "mount",
                "-t",
                "squashfs",
                "-o",
                "loop,ro,nodev,nosuid",
                image.toString(),
                dir.resolve("lower").toString()),
            List.of(
                "mount",
                "-t",
                "overlay",
                "overlay",
                "-o",
                "nodev,nosuid,lowerdir="
                    + dir.resolve("lower")
                    + ",upperdir="
                    + dir.resolve("upper")
                    + ",workdir="
                    + dir.resolve("work"),
                dir.resolve("rootfs").toString()),
            // a writable bind reaches LXC through a nodev,nosuid host bind
            List.of("mount", "--bind", volume.toString(), dir.resolve("binds/0").toString()),
            List.of("mount", "-o", "remount,bind,nodev,nosuid", dir.resolve("binds/0").toString()));
    assertThat(runner.named("lxc-start"))
        .containsExactly(
            List.of(
                "lxc-start", "-n", "hello-world", "-P", settings.containersDir().toString(), "-d"));
    assertThat(runner.named("chown"))
        .contains(List.of("chown", "100000:100000", volume.toString()));
    String config = Files.readString(dir.resolve("config"));
    assertThat(config)
        .contains("lxc.rootfs.path = dir:" + dir.resolve("rootfs"))
        .contains("lxc.net.0.link = startbr0")
        .contains("lxc.net.0.ipv4.address = 10.209.0.2/24 10.209.0.255")
        .contains("lxc.net.0.hwaddr = 02:53:0a:d1:00:02")
        .contains(
            "lxc.mount.entry = "
                + dir.resolve("binds/0")
                + " media/startos/volumes/main none bind,rw")
        .doesNotContain("lxc.include");
    assertThat(backend.ip("hello-world").orElseThrow().getHostAddress()).isEqualTo("10.209.0.2");
  }

  @Test
  void firstStartCreatesBridgeNatTableAndForwarding() {
    runner.answering(c ->
        c.equals(List.of("ip", "link", "show", "dev", "startbr0"))
            ? RecordingRunner.failed(c, 1, "Device \"startbr0\" does not exist.")
            : null);

    backend.start(ContainerSpec.of("a", image, "/init.sh"));

    assertThat(runner.commands)
        .contains(
            List.of("ip", "link", "add", "startbr0", "type", "bridge"),
            List.of("ip", "addr", "add", "10.209.0.1/24", "dev", "startbr0"),
            List.of("ip", "link", "set", "startbr0", "up"));
    assertThat(runner.commands.stream().filter(c -> c.get(0).equals("sysctl")).findFirst())
        .hasValueSatisfying(c ->
            assertThat(c)
                .contains("net.ipv4.ip_forward=1", "net.ipv4.conf.startbr0.route_localnet=0"));
    assertThat(runner.stdins).anyMatch(s -> s.contains("table ip startos {"));
  }

  @Test
  void failedLxcStartUnmountsEverythingAndReportsLxcsError() throws Exception {
    Path pkg = Files.writeString(tmp.resolve("pkg.squashfs"), "x");
    runner.answering(c ->
        c.get(0).equals("lxc-start")
            ? RecordingRunner.failed(c, 1, "lxc-start: t: Failed to start the container")
            : null);

    assertThatThrownBy(() ->
            backend.start(
                ContainerSpec.of("t", image, "/init.sh")
                    .withMount(ContainerMount.squashfs(pkg, "/usr/lib/startos/package"))))
        .isInstanceOf(ContainerException.class)
        .hasMessageContaining("lxc-start of container t failed (exit 1)")
        .hasMessageContaining("Failed to start the container");
    assertThat(new MountTable(tmp.resolve("mountinfo")).entries()).isEmpty();
    assertThat(runner.named("umount")).hasSize(3);
  }

  @Test
  void stopAsksForAGracefulStopWithTheTimeoutRoundedUpToSeconds() throws Exception {
    backend.start(ContainerSpec.of("svc", image, "/init.sh"));

    backend.stop("svc", Duration.ofMillis(2500));

    assertThat(runner.named("lxc-stop"))
        .containsExactly(
            List.of("lxc-stop", "-n", "svc", "-P", settings.containersDir().toString(), "-t", "3"));
    assertThat(new MountTable(tmp.resolve("mountinfo")).entries()).isEmpty();
  }

  @Test
  void execRunsLxcAttachWithAClearedEnvironmentAndPassesTheExitCodeThrough() throws Exception {
    runner.answering(
        c -> c.get(0).equals("lxc-attach") ? new ProcessResult(c, 3, "out", "err") : null);
    backend.start(ContainerSpec.of("svc", image, "/init.sh").withEnv("A", "1"));

    ExecResult r = backend.exec("svc", ExecRequest.of("ls", "/").withEnv(Map.of("B", "2")));

    assertThat(r).isEqualTo(new ExecResult(3, "out", "err"));
    List<String> attach = runner.named("lxc-attach").get(0);
    assertThat(attach.subList(0, 6))
        .containsExactly(
            "lxc-attach", "-n", "svc", "-P", settings.containersDir().toString(), "--clear-env");
    assertThat(attach).contains("A=1", "B=2").endsWith("--", "ls", "/");
  }

  @Test
  void execInAContainerThatIsNotRunningFailsWithItsState() {
    runner.answering(c -> c.get(0).equals("lxc-info") ? RecordingRunner.ok(c, "STOPPED\n") : null);
    backend.start(ContainerSpec.of("svc", image, "/init.sh"));
    runner.simulateExit("svc");

    assertThatThrownBy(() -> backend.exec("svc", "true"))
        .isInstanceOf(ContainerException.class)
        .hasMessage("cannot exec in container svc: it is stopped");
  }

  @Test
  void startingWithAMissingRootfsImageFailsBeforeTouchingTheHost() {
    Path missing = tmp.resolve("missing.squashfs");

    assertThatThrownBy(() -> backend.start(ContainerSpec.of("svc", missing, "/init.sh")))
        .isInstanceOf(ContainerException.class)
        .hasMessage("rootfs image " + missing + " of container svc does not exist");
    assertThat(runner.commands).isEmpty();
  }

  @Test
  void aPortAHostServiceListensOnIsNeverForwarded() throws Exception {
    backend.start(ContainerSpec.of("svc", image, "/init.sh"));
    var ip = backend.ip("svc").orElseThrow();
    // startd on 0.0.0.0:8080 (LISTEN) and a resolver's UDP socket on 127.0.0.1:5300
    Files.writeString(
        procNet.resolve("tcp"),
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid\n"
            + "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0\n"
            + "   1: 0100007F:A3B2 0100007F:1F90 01 00000000:00000000 00:00000000 00000000 0\n");
    Files.writeString(
        procNet.resolve("udp6"),
        "  sl  local_address                         remote_address                        st\n"
            + "   0: 00000000000000000000000001000000:14B4 00000000000000000000000000000000:0000 07\n");
    int before = runner.stdins.size();

    assertThatThrownBy(() -> backend.forward(8080, ip, 80))
        .isInstanceOf(ContainerException.class)
        .hasMessage(
            "cannot forward 8080/tcp -> 10.209.0.2:80: port 8080 belongs to a service of the host"
                + " that listens on it");
    assertThatThrownBy(() -> backend.forward(5300, ip, 53))
        .hasMessageContaining("port 5300 belongs to a service of the host");
    assertThat(backend.forwards()).isEmpty();
    assertThat(runner.stdins).hasSize(before);
    // the client side of a connection (state 01) holds no port for a service
    backend.forward(0xA3B2, ip, 80);
    assertThat(backend.forwards()).hasSize(1);
  }

  @Test
  void forwardsGoIntoOneAtomicNftScriptAndConflictsAreRefused() {
    backend.start(ContainerSpec.of("svc", image, "/init.sh"));
    var ip = backend.ip("svc").orElseThrow();

    PortForward f = backend.forward(8080, ip, 80);

    assertThat(runner.stdins.get(runner.stdins.size() - 1))
        .contains(
            "iifname != \"lo\" ip daddr != 127.0.0.0/8 fib daddr type local tcp dport 8080"
                + " dnat to 10.209.0.2:80")
        .contains("    ip daddr != 127.0.0.0/8 fib daddr type local tcp dport 8080");
    assertThat(backend.forwards()).containsExactly(f);
    assertThatThrownBy(() -> backend.forward(8080, ip, 81))
        .isInstanceOf(ContainerException.class)
        .hasMessageContaining("8080/tcp -> 10.209.0.2:81")
        .hasMessageContaining("already forwarded (8080/tcp -> 10.209.0.2:80)");
    assertThatThrownBy(() -> backend.forward(8081, Subnet.parse("192.168.1.1/24").gateway(), 80))
        .hasMessageContaining("192.168.1.1 is not a container address in 10.209.0.0/24");
    backend.unforward(f);
    assertThat(backend.forwards()).isEmpty();
    assertThat(runner.stdins.get(runner.stdins.size() - 1)).doesNotContain("dnat to");
  }

  @Test
  void destroyRemovesTheStateDirAndForwardsButKeepsTheAddress() {
    backend.start(ContainerSpec.of("svc", image, "/init.sh"));
    var ip = backend.ip("svc").orElseThrow();
    backend.forward(8080, ip, 80);

    backend.destroy("svc");

    assertThat(settings.containersDir().resolve("svc")).doesNotExist();
    assertThat(backend.forwards()).isEmpty();
    assertThat(backend.state("svc")).isEqualTo(ContainerState.ABSENT);
    assertThat(backend.ip("svc")).contains(ip);
    backend.releaseAddress("svc");
    assertThat(backend.ip("svc")).isEmpty();
  }

  @Test
  void releasingTheAddressOfAnExistingContainerIsRefused() {
    backend.start(ContainerSpec.of("svc", image, "/init.sh"));

    assertThatThrownBy(() -> backend.releaseAddress("svc"))
        .hasMessage("container svc still exists; destroy it before releasing its address");
  }

  @Test
  void cleanupAllUnmountsWhatACrashMidStartLeftAndDeletesTheStateButNotTheAddresses()
      throws Exception {
    Path dir = settings.containersDir().resolve("half");
    Files.createDirectories(dir.resolve("lower"));
    Files.createDirectories(dir.resolve("rootfs"));
    Files.writeString(
        tmp.resolve("mountinfo"),
        "1 0 0:1 / / rw - ext4 /dev/root rw\n"
            + "2 1 7:0 / "
            + dir.resolve("lower")
            + " ro - squashfs /dev/loop0 ro\n"
            + "3 1 0:9 / "
            + dir.resolve("rootfs")
            + " rw - overlay overlay rw\n");
    backend.start(ContainerSpec.of("kept", image, "/init.sh"));
    var kept = backend.ip("kept").orElseThrow();

    backend.cleanupAll();

    assertThat(runner.named("umount"))
        .startsWith(
            List.of("umount", settings.containersDir().resolve("kept/rootfs").toString()),
            List.of("umount", settings.containersDir().resolve("kept/lower").toString()))
        .contains(
            List.of("umount", dir.resolve("rootfs").toString()),
            List.of("umount", dir.resolve("lower").toString()));
    assertThat(new MountTable(tmp.resolve("mountinfo")).under(settings.stateDir())).isEmpty();
    assertThat(settings.containersDir()).doesNotExist();
    assertThat(backend.containers()).isEmpty();
    assertThat(backend.ip("kept")).contains(kept);
  }

  @Test
  void cleanupAllKillsWhatIsLeftInOurCgroupsOnly() throws Exception {
    Path ours = Files.createDirectories(cgroupRoot.resolve("memory/startos.monitor.old"));
    Path theirs = Files.createDirectories(cgroupRoot.resolve("memory/lxc.payload.other"));
    Files.writeString(theirs.resolve("cgroup.procs"), "4242\n");

    backend.cleanupAll();

    assertThat(ours).doesNotExist();
    assertThat(theirs).exists();
    assertThat(runner.commands)
        .contains(List.of("nft", "delete", "table", "ip", "startos"))
        .noneMatch(c -> c.contains("4242"));
  }
}
