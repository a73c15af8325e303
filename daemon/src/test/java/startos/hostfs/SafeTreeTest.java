package startos.hostfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The package owns the tree being deleted; the canary outside it must always survive. */
class SafeTreeTest {
  @TempDir Path dir;
  private Path tree;
  private Path canary;

  @BeforeEach
  void setUp() throws IOException {
    tree = Files.createDirectories(dir.resolve("tree/a/b"));
    tree = dir.resolve("tree");
    Files.writeString(tree.resolve("a/b/file"), "package data");
    canary = Files.createDirectories(dir.resolve("canary"));
    Files.writeString(canary.resolve("precious"), "host data");
    Files.createDirectories(canary.resolve("b"));
    Files.writeString(canary.resolve("b/file"), "host data too");
  }

  @Test
  void symlinksInTheTreeAreRemovedNotFollowed() throws IOException {
    Files.createSymbolicLink(tree.resolve("to-dir"), canary);
    Files.createSymbolicLink(tree.resolve("a/to-file"), canary.resolve("precious"));

    SafeTree.delete(tree);

    assertThat(tree).doesNotExist();
    assertThat(canary.resolve("precious")).hasContent("host data");
    assertThat(canary.resolve("b/file")).hasContent("host data too");
  }

  @Test
  void aDirectorySwappedForASymlinkMidWalkLosesOnlyTheSymlink() throws IOException {
    List<Path> swapped = new ArrayList<>();
    SafeTree.delete(
        tree,
        p -> {
          // the package's move right between the host's look and its descent
          if (p.endsWith("a") && swapped.isEmpty()) {
            try {
              Files.move(p, dir.resolve("moved-away"));
              Files.createSymbolicLink(p, canary);
              swapped.add(p);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          }
        });

    assertThat(swapped).hasSize(1);
    assertThat(tree).doesNotExist();
    assertThat(canary.resolve("precious")).hasContent("host data");
    assertThat(canary.resolve("b/file")).hasContent("host data too");
  }

  @Test
  void aRootThatIsASymlinkIsRemovedItself() throws IOException {
    Path link = Files.createSymbolicLink(dir.resolve("link"), canary);
    SafeTree.delete(link);
    assertThat(link).doesNotExist();
    assertThat(canary.resolve("precious")).hasContent("host data");
  }

  @Test
  void aFilesystemMountedInsideTheTreeIsRefusedAndKept() throws Exception {
    Path mountPoint = Files.createDirectories(tree.resolve("a/mnt"));
    run("mount", "-t", "tmpfs", "tmpfs", mountPoint.toString());
    try {
      Files.writeString(mountPoint.resolve("other-fs"), "not the tree's");
      assertThatThrownBy(() -> SafeTree.delete(tree))
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("cannot delete " + tree)
          .hasMessageContaining("a filesystem is mounted there; unmount it first");
      assertThat(mountPoint.resolve("other-fs")).hasContent("not the tree's");
    } finally {
      run("umount", mountPoint.toString());
    }
    SafeTree.delete(tree);
    assertThat(tree).doesNotExist();
  }

  @Test
  void aMissingTreeIsNothingToDo() {
    SafeTree.delete(dir.resolve("nothing-here"));
    assertThat(canary).exists();
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).inheritIO().start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
  }
}
