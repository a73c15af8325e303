package startos.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import startos.rpc.RpcException;

/**
 * A package's own disk on the host, without containers: created sparse, mounted nodev,nosuid, full
 * at its cap while the host keeps its space, unmounted without a loop device left, and refused with
 * a sentence (nothing written) when the host's disk is too full to create it. Needs root (mount).
 */
class PackageDiskTest {
  private static final long CAP = 64L << 20;

  private Path work;
  private PackageLayout layout;

  @BeforeEach
  void setUp() throws IOException {
    work = Files.createTempDirectory(Path.of("/tmp"), "startos-disk-test");
    layout = PackageLayout.of(work, "disk-test");
  }

  @AfterEach
  void tearDown() {
    PackageMounts.unmountAll(work);
    PackageLayout.deleteTree(work);
  }

  @Test
  void aNewDiskIsSparseAndMountedNodevNosuidWithTheVolumesOnIt() throws IOException {
    PackageDisk.create(layout, "disk-test", CAP);
    assertThat(Files.size(layout.diskImage())).as("the image's size: the cap").isEqualTo(CAP);
    assertThat(allocated(layout.diskImage()))
        .as("bytes the new image takes on the host")
        .isLessThan(8L << 20);
    assertThat(layout.volumes()).isEqualTo(layout.disk().resolve("volumes"));

    PackageDisk.mount(layout, "disk-test");
    PackageDisk.mount(layout, "disk-test"); // a second boot finds it mounted
    List<String> options = mountOptions(layout.disk());
    assertThat(options).contains("nodev", "nosuid");
    assertThat(PackageMounts.under(work)).containsExactly(layout.disk());
    assertThat(PackageDisk.usage(layout)).hasValueSatisfying(u -> assertThat(u.full()).isFalse());
  }

  @Test
  void writingPastTheCapFailsWithNoSpaceLeftAndTheHostKeepsItsSpace() throws IOException {
    PackageDisk.create(layout, "disk-test", CAP);
    PackageDisk.mount(layout, "disk-test");
    Files.createDirectories(layout.volumes().resolve("main"));
    long hostFree = Files.getFileStore(work).getUsableSpace();

    long written = 0;
    IOException full = null;
    byte[] block = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(layout.volumes().resolve("main/fill"))) {
      for (int i = 0; i < 4 * (CAP >> 20); i++) {
        out.write(block);
        written += block.length;
      }
    } catch (IOException e) {
      full = e;
    }
    assertThat(full).as("a write past the cap").isNotNull();
    assertThat(full.getMessage()).contains("No space left on device");
    assertThat(written).isLessThan(CAP);
    assertThat(allocated(layout.diskImage())).isLessThanOrEqualTo(CAP);
    // another writer on this machine may take some: what matters is not 4 times the cap
    assertThat(hostFree - Files.getFileStore(work).getUsableSpace())
        .as("bytes of the host's disk the fill took")
        .isLessThan(CAP + (64L << 20));
    assertThat(PackageDisk.usage(layout)).hasValueSatisfying(u -> assertThat(u.full()).isTrue());

    // deleting inside gives the space back to the host (discard punches holes into the image)
    Files.delete(layout.volumes().resolve("main/fill"));
    assertThat(PackageDisk.usage(layout)).hasValueSatisfying(u -> assertThat(u.roomy()).isTrue());
  }

  @Test
  void unmountingLeavesNoLoopDevice() throws IOException {
    PackageDisk.create(layout, "disk-test", CAP);
    PackageDisk.mount(layout, "disk-test");
    assertThat(loopsOf(layout.diskImage())).isNotBlank();
    PackageDisk.unmount(layout);
    assertThat(PackageMounts.isMountPoint(layout.disk())).isFalse();
    assertThat(loopsOf(layout.diskImage())).as("loop devices on the image").isBlank();
    assertThat(PackageDisk.usage(layout)).isEmpty();
  }

  @Test
  void aFullHostDiskRefusesTheDiskWithASentenceAndWritesNothing() throws IOException {
    Path small = Files.createDirectories(work.resolve("small"));
    HostCommands.run(
        "mount a small tmpfs", "mount", "-t", "tmpfs", "-o", "size=8m", "t", small.toString());
    PackageLayout tight = PackageLayout.of(small, "disk-test");
    Files.createDirectories(tight.dir());
    Files.writeString(tight.dir().resolve("precious"), "kept");

    assertThatThrownBy(() -> PackageDisk.create(tight, "disk-test", CAP))
        .isInstanceOf(RpcException.class)
        .hasMessageContaining("cannot create the 64 MiB disk of disk-test")
        .hasMessageContaining("the host's disk has")
        .hasMessageContaining("free space on the host and try again");
    try (var left = Files.list(tight.dir())) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("precious");
    }
    assertThat(Files.readString(tight.dir().resolve("precious"))).isEqualTo("kept");
  }

  /** Bytes the file takes on its filesystem (holes excluded). */
  static long allocated(Path file) {
    return Long.parseLong(
            HostCommands.run("stat " + file, "stat", "-c", "%b", file.toString()).strip())
        * 512;
  }

  /** {@code losetup -j}: the loop devices backed by {@code image}, one a line. */
  static String loopsOf(Path image) {
    return HostCommands.run("losetup", "losetup", "-j", image.toString()).strip();
  }

  /** The per-mount options of the mount at {@code at}. */
  static List<String> mountOptions(Path at) throws IOException {
    for (String line :
        Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
      String[] f = line.split(" ");
      if (f.length > 5 && f[4].equals(at.toString())) {
        return List.of(f[5].split(","));
      }
    }
    return List.of();
  }
}
