package startos.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.rpc.RpcException;

class SubcontainerBindTest {
  @TempDir Path root;

  @Test
  void missingDirectoriesOfTheMountPointAreCreatedInsideTheSubcontainer() throws Exception {
    Files.createDirectory(root.resolve("GUID"));
    Path p = SubcontainerBind.mountPoint(root, Path.of("GUID/a/b"), false, "/loc");
    assertThat(p).isEqualTo(root.toRealPath().resolve("GUID/a/b")).isDirectory();
    Path f = SubcontainerBind.mountPoint(root, Path.of("GUID/a/file"), true, "/loc");
    assertThat(f).isRegularFile();
  }

  @Test
  void aSymlinkedMountPointIsRefusedAndNothingIsCreatedWhereItPoints() throws Exception {
    Path outside = Files.createDirectory(root.resolve("outside"));
    Files.createDirectory(root.resolve("GUID"));
    Files.createSymbolicLink(root.resolve("GUID/link"), outside);
    assertThatThrownBy(() -> SubcontainerBind.mountPoint(root, Path.of("GUID/link"), false, "/l"))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("mount location /l refused")
        .hasMessageContaining("it is a symlink");
    assertThatThrownBy(
            () -> SubcontainerBind.mountPoint(root, Path.of("GUID/link/deeper"), false, "/l"))
        .hasMessageContaining("GUID/link is a symlink");
    assertThat(outside.resolve("deeper")).doesNotExist();
  }

  @Test
  void aMountPointOutsideAnyExistingSubcontainerIsRefused() {
    assertThatThrownBy(() -> SubcontainerBind.mountPoint(root, Path.of("NOPE/x"), false, "/l"))
        .hasMessageContaining("there is no subcontainer NOPE");
    assertThat(root.resolve("NOPE")).doesNotExist();
    assertThatThrownBy(() -> SubcontainerBind.mountPoint(root, Path.of("GUID"), false, "/l"))
        .hasMessageContaining("inside a subcontainer");
  }
}
