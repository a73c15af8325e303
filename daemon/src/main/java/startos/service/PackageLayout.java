package startos.service;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import startos.hostfs.SafeTree;
import startos.install.UnpackTarget;
import startos.s9pk.manifest.Manifest;

/** Where one package's files live on the host: {@code <data-dir>/packages/<id>}. */
public record PackageLayout(Path dir) implements UnpackTarget {
  /**
   * @throws IllegalArgumentException when {@code packageId} is not a valid package id: ids also
   *     come from the database, and only a valid one is a single safe path segment
   */
  public static PackageLayout of(Path dataDir, String packageId) {
    return new PackageLayout(dataDir.resolve("packages").resolve(checkId(packageId)));
  }

  /** The id, when it may become a path segment (the manifest id rule). */
  public static String checkId(String packageId) {
    if (!Manifest.ID.matcher(packageId).matches()) {
      throw new IllegalArgumentException(
          "'%s' is not a package id: refusing to use it as a path".formatted(packageId));
    }
    return packageId;
  }

  /** The installed archive (this arch only). */
  @Override
  public Path s9pk() {
    return dir.resolve("package.s9pk");
  }

  @Override
  public Path javascript() {
    return dir.resolve("javascript.squashfs");
  }

  @Override
  public Path assets() {
    return dir.resolve("assets.squashfs");
  }

  @Override
  public Path emptyAssets() {
    return dir.resolve("assets");
  }

  /** Unpacked image roots, owned by the container's mapped ids. */
  @Override
  public Path images() {
    return dir.resolve("images");
  }

  /** {@code <imageId>.json} and {@code <imageId>.env}, seen at /media/startos/images. */
  @Override
  public Path imageMeta() {
    return dir.resolve("image-meta");
  }

  /**
   * The package's own disk image ({@link PackageDisk}): its size caps everything the package can
   * write on the host.
   */
  public Path diskImage() {
    return dir.resolve("disk.ext4");
  }

  /** Where {@link #diskImage} is mounted. */
  public Path disk() {
    return dir.resolve("disk");
  }

  /**
   * Where the directories the package can write live: on its own disk when it has one, else (an
   * install from before per-package disks) in the package directory on the host's disk.
   */
  Path writable() {
    return PackageDisk.exists(this) ? disk() : dir;
  }

  /** The container's writable root (overlay upper and work) when the package has its own disk. */
  Optional<Path> containerRoot() {
    return PackageDisk.exists(this) ? Optional.of(disk().resolve("root")) : Optional.empty();
  }

  public Path volumes() {
    return writable().resolve("volumes");
  }

  public Path rpc() {
    return writable().resolve("rpc");
  }

  public Path subcontainers() {
    return writable().resolve("subcontainers");
  }

  /** Upper and work dirs of subcontainer overlays. */
  public Path layers() {
    return writable().resolve("layers");
  }

  /** What an {@code uninstall --soft} keeps: the volumes, as a directory or on the disk. */
  List<Path> kept() {
    return List.of(dir.resolve("volumes"), diskImage(), disk());
  }

  /** The init wrapper that sends the runtime's output to the console file. */
  public Path boot() {
    return dir.resolve("boot");
  }

  public Path console() {
    return dir.resolve("console");
  }

  public Path consoleLog() {
    return console().resolve("console.log");
  }

  /**
   * Deletes a tree the package may own without following its symlinks ({@link SafeTree}); callers
   * unmount first.
   */
  public static void deleteTree(Path root) {
    SafeTree.delete(root);
  }
}
