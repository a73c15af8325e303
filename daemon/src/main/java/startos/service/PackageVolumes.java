package startos.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import startos.install.VerifiedPackage;

/**
 * The package's disk and its volumes, as an install or update leaves them. A new install gets a
 * disk of {@link ServiceSettings#maxVolumeBytes}; an install from before per-package disks (its
 * volumes a plain directory, maybe kept by a soft uninstall) keeps its directories, uncapped, until
 * it is uninstalled for good.
 *
 * <p>Blocking (mkfs, mount, chown); the caller holds the package's lock. The volumes directory is
 * the package's: nothing in it is followed.
 */
final class PackageVolumes {
  private PackageVolumes() {}

  /** Creates (or mounts) the disk and the manifest's volumes that are not there yet. */
  static void create(PackageLayout layout, VerifiedPackage pkg, ServiceSettings settings) {
    boolean legacy = Files.isDirectory(layout.dir().resolve("volumes"), LinkOption.NOFOLLOW_LINKS);
    if (!PackageDisk.exists(layout) && !legacy && settings.maxVolumeBytes() > 0) {
      PackageDisk.create(layout, pkg.id(), settings.maxVolumeBytes());
    }
    PackageDisk.mount(layout, pkg.id());
    try {
      Files.createDirectories(layout.volumes());
      int root = settings.rootUid(pkg.id());
      String owner = root + ":" + root;
      for (String volume : pkg.manifest().volumes()) {
        Path dir = layout.volumes().resolve(volume);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          // the volumes directory is the package's: never follow what it may have put there
          Files.createDirectory(dir);
          HostCommands.run(
              "hand volume " + volume + " to the container", "chown", "-h", owner, dir.toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the volumes of " + pkg.id(), e);
    }
  }
}
