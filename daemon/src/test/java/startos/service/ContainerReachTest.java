package startos.service;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.rpc.RpcException;

class ContainerReachTest {
  @TempDir Path dir;

  @Test
  void aPrivateParentIsNamedWithTheFix() throws Exception {
    Path parent = Files.createDirectories(dir.resolve("private"));
    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwx------"));
    Path data = Files.createDirectories(parent.resolve("data"));

    assertThatThrownBy(() -> ContainerReach.require(data, 100_000))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining(
            parent + " is not searchable by the containers' root (host uid 100000)")
        .hasMessageContaining("chmod o+x " + parent);
  }

  @Test
  void searchableDirectoriesPass() throws Exception {
    // under /tmp itself: the JUnit temp root may be private
    Path open = Files.createTempDirectory(Path.of("/tmp"), "startos-reach");
    try {
      Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwx--x--x"));
      assertThatCode(() -> ContainerReach.require(open, 100_000)).doesNotThrowAnyException();
    } finally {
      Files.delete(open);
    }
  }
}
