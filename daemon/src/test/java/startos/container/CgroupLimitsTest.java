package startos.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits set-limits writes land in the payload cgroup's control files with the kernel's
 * spellings (-1 and "max" for none) and read back the same; on a copy of the v1 layout.
 */
class CgroupLimitsTest {
  @TempDir Path root;
  private CgroupLimits limits;

  private Path payload(String controller) {
    return root.resolve(controller).resolve("t.payload.svc");
  }

  @BeforeEach
  void setUp() throws Exception {
    for (String c : new String[] {"memory", "pids", "cpu,cpuacct"}) {
      Files.createDirectories(root.resolve(c).resolve("t.payload.svc"));
    }
    Files.writeString(payload("memory").resolve("memory.limit_in_bytes"), "9223372036854771712\n");
    Files.writeString(payload("pids").resolve("pids.max"), "max\n");
    Files.writeString(payload("cpu,cpuacct").resolve("cpu.shares"), "1024\n");
    Files.writeString(payload("cpu,cpuacct").resolve("cpu.cfs_quota_us"), "-1\n");
    Files.writeString(payload("cpu,cpuacct").resolve("cpu.cfs_period_us"), "100000\n");
    limits = new CgroupLimits(new CgroupTree(root, "t"));
  }

  @Test
  void appliedLimitsAreWrittenInTheKernelsTermsAndReadBack() throws Exception {
    assertThat(limits.read("svc")).isEqualTo(new Limits(0, 0, 1024, 0));
    Limits set = new Limits(256L << 20, 300, 512, 500);
    limits.apply("svc", set);
    assertThat(Files.readString(payload("memory").resolve("memory.limit_in_bytes")))
        .isEqualTo(String.valueOf(256L << 20));
    assertThat(Files.readString(payload("pids").resolve("pids.max"))).isEqualTo("300");
    assertThat(Files.readString(payload("cpu,cpuacct").resolve("cpu.cfs_quota_us")))
        .isEqualTo("50000");
    assertThat(limits.read("svc")).isEqualTo(set);

    limits.apply("svc", new Limits(0, 0, 0, 0));
    assertThat(Files.readString(payload("memory").resolve("memory.limit_in_bytes")))
        .isEqualTo("-1");
    assertThat(Files.readString(payload("pids").resolve("pids.max"))).isEqualTo("max");
    assertThat(Files.readString(payload("cpu,cpuacct").resolve("cpu.shares"))).isEqualTo("1024");
    assertThat(Files.readString(payload("cpu,cpuacct").resolve("cpu.cfs_quota_us")))
        .isEqualTo("-1");
  }

  @Test
  void aContainerWithoutCgroupsIsNotRunning() {
    assertThatThrownBy(() -> limits.apply("other", Limits.NONE))
        .hasMessage("container other is not running");
  }
}
