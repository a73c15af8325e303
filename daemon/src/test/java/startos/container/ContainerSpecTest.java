package startos.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerSpecTest {
  private static final Path IMAGE = Path.of("/images/rootfs.squashfs");

  @Test
  void idsThatCouldNotNameADirectoryAndACgroupAreRejected() {
    for (String bad : List.of("", "Upper", "-lead", "a/b", "a b", "x".repeat(64), "..")) {
      assertThatThrownBy(() -> ContainerSpec.of(bad, IMAGE, "/init"))
          .isInstanceOf(ContainerException.class)
          .hasMessageContaining("container id '" + bad + "'");
    }
    assertThat(ContainerSpec.of("bitcoin-core", IMAGE, "/init").id()).isEqualTo("bitcoin-core");
  }

  @Test
  void mountTargetsMustBeNormalizedAbsolutePathsWithoutSpaces() {
    Path src = Path.of("/data/vol");
    assertThatThrownBy(() -> ContainerMount.bind(src, "data"))
        .hasMessageContaining("must be an absolute path below /");
    assertThatThrownBy(() -> ContainerMount.bind(src, "/media/../etc"))
        .hasMessageContaining("without '.', '..' or '//'");
    assertThatThrownBy(() -> ContainerMount.bind(src, "/media//x"))
        .hasMessageContaining("without '.', '..' or '//'");
    assertThatThrownBy(() -> ContainerMount.bind(src, "/my volume"))
        .hasMessageContaining("contains whitespace");
    assertThatThrownBy(() -> ContainerMount.bind(Path.of("relative"), "/x"))
        .hasMessageContaining("mount source must be an absolute path");
    assertThatThrownBy(
            () -> new ContainerMount(Path.of("/p.sqfs"), "/pkg", false, MountKind.SQUASHFS))
        .hasMessageContaining("must be read-only");
  }

  @Test
  void twoMountsAtTheSameTargetAreRejected() {
    ContainerSpec spec =
        ContainerSpec.of("svc", IMAGE, "/init").withMount(ContainerMount.bind(Path.of("/a"), "/m"));

    assertThatThrownBy(() -> spec.withMount(ContainerMount.readOnlyBind(Path.of("/b"), "/m")))
        .hasMessage("container svc mounts two things at /m");
  }

  @Test
  void initAndEnvironmentThatWouldBreakTheLxcConfigAreRejected() {
    assertThatThrownBy(() -> ContainerSpec.of("svc", IMAGE))
        .hasMessage("container svc needs an init command");
    assertThatThrownBy(() -> ContainerSpec.of("svc", IMAGE, "/bin/sh", "-c", "echo hi"))
        .hasMessageContaining("init argument 'echo hi'");
    assertThatThrownBy(() -> ContainerSpec.of("svc", IMAGE, "/init").withEnv("A", "x\nlxc.x=1"))
        .hasMessageContaining("contains a newline");
    assertThatThrownBy(() -> ContainerSpec.of("svc", IMAGE, "/init").withEnv("1A", "x"))
        .hasMessageContaining("'1A'");
    assertThat(ContainerSpec.of("svc", IMAGE, "/init").withEnv("LANG", "C.UTF-8").env())
        .isEqualTo(Map.of("LANG", "C.UTF-8"));
  }

  @Test
  void limitsRejectNegativeAndUselessValues() {
    assertThatThrownBy(() -> Limits.NONE.withMemoryBytes(-1)).hasMessageContaining("negative");
    assertThatThrownBy(() -> Limits.NONE.withMemoryBytes(1024)).hasMessageContaining("too small");
    assertThatThrownBy(() -> Limits.NONE.withCpuShares(1)).hasMessageContaining("between 2");
    assertThatThrownBy(() -> Limits.NONE.withCpuMillis(5)).hasMessageContaining("at least 10");
  }
}
