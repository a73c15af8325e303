package startos.service;

import static org.assertj.core.api.Assertions.assertThat;
import static startos.service.PackageDiskTest.allocated;
import static startos.service.PackageDiskTest.loopsOf;
import static startos.service.PackageDiskTest.mountOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import startos.container.ExecResult;

/**
 * A package's own disk through its life on real LXC, with a 64 MiB cap: created at install with its
 * volumes and its container's writable root on it; a write past the cap from inside fails with
 * ENOSPC and the user is told; a soft uninstall keeps the disk for the reinstall; an install from
 * before disks keeps its plain directories; a hard uninstall deletes it with its loop device.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class PackageDiskIntegrationTest {
  private static final String ID = ServiceLifecycleIntegrationTest.ID;
  private static final long CAP = 64L << 20;

  private ServiceRig rig;
  private PackageLayout layout;

  @BeforeAll
  void setUp() throws IOException {
    ServiceRig.assumeAvailable();
    rig =
        ServiceRig.open(
            "startos-disk-it",
            "stdiskbr0",
            "10.212.48.1",
            "startos_disk_it",
            "startos-diskit",
            s -> s.withMaxVolumeBytes(CAP));
    layout = rig.manager().settings().layout(ID);
  }

  @AfterAll
  void tearDown() {
    if (rig != null) {
      rig.close(ID);
    }
  }

  @Test
  @Order(1)
  void anInstallGetsItsOwnDiskHoldingItsVolumesAndItsContainersRoot() throws IOException {
    rig.manager().install(TestPackages.build(TestPackages.Variant.v1()));
    assertThat(Files.size(layout.diskImage())).isEqualTo(CAP);
    assertThat(mountOptions(layout.disk())).contains("nodev", "nosuid");
    assertThat(layout.volumes()).isEqualTo(layout.disk().resolve("volumes"));
    assertThat(Files.isDirectory(layout.volumes().resolve("main"))).isTrue();
    int root = rig.manager().settings().rootUid(ID);
    assertThat(Files.getAttribute(layout.volumes().resolve("main"), "unix:uid")).isEqualTo(root);
    // the container's root overlay writes onto the disk too
    assertThat(Files.readString(Path.of("/proc/self/mountinfo")))
        .contains("upperdir=" + layout.disk().resolve("root/upper"));
    ExecResult id =
        rig.backend().exec(ID, "sh", "-c", "id -u; touch /media/startos/volumes/main/x");
    assertThat(id.exitCode()).as(id.toString()).isZero();
    assertThat(Files.getAttribute(layout.volumes().resolve("main/x"), "unix:uid"))
        .as("owner on the host of a file the container's root made")
        .isEqualTo(root);
  }

  @Test
  @Order(2)
  void writingPastTheCapFailsInsideWithNoSpaceLeftAndTheUserIsTold() throws IOException {
    long hostFree = Files.getFileStore(rig.dataDir()).getUsableSpace();
    ExecResult volume =
        rig.backend()
            .exec(
                ID,
                "sh",
                "-c",
                "dd if=/dev/zero of=/media/startos/volumes/main/fill bs=1M count=256 2>&1");
    ExecResult rootfs =
        rig.backend().exec(ID, "sh", "-c", "dd if=/dev/zero of=/var/fill bs=1M count=16 2>&1");
    assertThat(volume.stdout() + volume.stderr()).contains("No space left on device");
    assertThat(rootfs.stdout() + rootfs.stderr())
        .as("the container's own root is on the same disk")
        .contains("No space left on device");
    assertThat(allocated(layout.diskImage())).isLessThanOrEqualTo(CAP);
    assertThat(hostFree - Files.getFileStore(rig.dataDir()).getUsableSpace())
        .as("bytes of the host's disk the fill took (other writers on the machine may add some)")
        .isLessThan(CAP + (64L << 20));

    assertThat(rig.manager().checkDisk(ID)).as("the disk is seen full").isTrue();
    assertThat(rig.db().get("/private/notifications").orElseThrow().toString())
        .contains("Disk full: " + ID)
        .contains("has used all of its 64 MiB disk");
    assertThat(rig.manager().log(ID).read(500, Optional.empty(), true, Optional.empty()).toString())
        .contains("has used all of its 64 MiB disk");

    ExecResult free =
        rig.backend().exec(ID, "rm", "-f", "/media/startos/volumes/main/fill", "/var/fill");
    assertThat(free.exitCode()).as(free.toString()).isZero();
    assertThat(rig.manager().checkDisk(ID)).as("full after deleting the fill").isFalse();
  }

  @Test
  @Order(3)
  void aSoftUninstallKeepsTheDiskUnmountedAndTheReinstallFindsItsFiles() throws IOException {
    ExecResult w =
        rig.backend().exec(ID, "sh", "-c", "echo kept > /media/startos/volumes/main/kept.txt");
    assertThat(w.exitCode()).as(w.toString()).isZero();
    rig.manager().uninstall(ID, true, false);
    assertThat(Files.isRegularFile(layout.diskImage())).as("the kept disk").isTrue();
    assertThat(PackageMounts.under(rig.dataDir())).as("mounts left").isEmpty();
    assertThat(loopsOf(layout.diskImage())).as("loop devices left on the kept disk").isBlank();

    rig.manager().install(TestPackages.build(TestPackages.Variant.v1()));
    assertThat(Files.readString(layout.volumes().resolve("main/kept.txt")).strip())
        .isEqualTo("kept");
    assertThat(rig.backend().exec(ID, "cat", "/media/startos/volumes/main/kept.txt").stdout())
        .contains("kept");
  }

  @Test
  @Order(4)
  void anInstallFromBeforeDisksKeepsItsPlainDirectories() throws IOException {
    rig.manager().uninstall(ID, true, false);
    // what an older startd left: volumes as a plain directory, no disk image
    Path plain = layout.dir().resolve("volumes/main");
    Files.createDirectories(plain);
    Files.writeString(plain.resolve("old.txt"), "from before disks\n");
    HostCommands.run(
        "hand it over", "chown", "-R", "100000:100000", layout.dir().resolve("volumes").toString());
    Files.delete(layout.diskImage());
    Files.delete(layout.disk());

    rig.manager().install(TestPackages.build(TestPackages.Variant.v1()));
    assertThat(Files.exists(layout.diskImage(), LinkOption.NOFOLLOW_LINKS))
        .as("a disk made for an install from before")
        .isFalse();
    assertThat(layout.volumes()).isEqualTo(layout.dir().resolve("volumes"));
    assertThat(rig.backend().exec(ID, "cat", "/media/startos/volumes/main/old.txt").stdout())
        .contains("from before disks");
  }

  @Test
  @Order(5)
  void aHardUninstallDeletesTheDiskAndItsLoopDevice() throws IOException {
    rig.manager().uninstall(ID, false, false);
    rig.manager().install(TestPackages.build(TestPackages.Variant.v1()));
    assertThat(Files.isRegularFile(layout.diskImage())).as("a fresh install's disk").isTrue();
    rig.manager().uninstall(ID, false, false);
    assertThat(Files.exists(layout.dir())).isFalse();
    assertThat(PackageMounts.under(rig.dataDir())).isEmpty();
    List<String> loops =
        HostCommands.run("losetup", "losetup", "-a")
            .lines()
            .filter(l -> l.contains(rig.dataDir().toString()))
            .toList();
    assertThat(loops).as("loop devices on images of this data dir").isEmpty();
  }
}
