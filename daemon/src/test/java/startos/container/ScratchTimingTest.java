package startos.container;

import java.nio.file.*;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScratchTimingTest {
  @Test
  void time() throws Exception {
    Path work = Files.createTempDirectory(Path.of("/tmp"), "scratch");
    Files.setPosixFilePermissions(
        work, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
    Path img = BusyboxImages.rootfs(work.resolve("img"));
    ProcessRunner sys = new SystemProcessRunner();
    ProcessRunner timed =
        (cmd, in, t) -> {
          long t0 = System.nanoTime();
          var r = sys.run(cmd, in, t);
          System.out.println(
              ((System.nanoTime() - t0) / 1_000_000) + " ms " + String.join(" ", cmd));
          return r;
        };
    var settings =
        LxcSettings.defaults(work.resolve("lxc"))
            .withNetwork("stscr0", Subnet.parse("10.211.78.1/24"), "startos_scr")
            .withCgroups("startos-scr", Path.of("/sys/fs/cgroup"));
    LxcBackend b = new LxcBackend(settings, timed, Path.of("/proc/self/mountinfo"));
    for (int i = 0; i < 3; i++) {
      long t0 = System.nanoTime();
      b.start(ContainerSpec.of("t", img, "/init.sh"));
      System.out.println("START " + (System.nanoTime() - t0) / 1_000_000);
      String ip = b.ip("t").orElseThrow().getHostAddress();
      long t1 = System.nanoTime();
      while (true) {
        try (var s = new java.net.Socket()) {
          s.connect(new java.net.InetSocketAddress(ip, 80), 2000);
          break;
        } catch (Exception e) {
          System.out.println(e);
          Thread.sleep(5);
        }
      }
      System.out.println("CONNECT " + (System.nanoTime() - t1) / 1_000_000);
      long t2 = System.nanoTime();
      b.stop("t", Duration.ofSeconds(5));
      System.out.println("STOP " + (System.nanoTime() - t2) / 1_000_000);
    }
    b.cleanupAll();
  }
}
