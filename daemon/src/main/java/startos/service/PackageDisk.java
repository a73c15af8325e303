package startos.service;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * A package's own disk: one sparse ext4 image ({@link PackageLayout#diskImage}) loop-mounted {@code
 * nodev,nosuid} at {@link PackageLayout#disk}, holding everything the package can write on the host
 * (volumes, subcontainer layers, its container's writable root, its sockets directory). The image's
 * size is the package's cap: a write past it fails with ENOSPC inside the package's filesystem,
 * never on the host's. Deleting files inside gives the space back to the host ({@code discard}
 * punches holes into the image).
 *
 * <p>Blocking (runs mkfs, mount, umount); callers hold the package's lock or run while none of its
 * containers does. Everything here is the host's: the image and the mount point are in the
 * package's directory, which the package cannot reach.
 */
final class PackageDisk {
  /** Host disk left free after an image's metadata is written, so creating one never fills it. */
  static final long HOST_RESERVE = 64L << 20;

  /** Journal of images of 4 GiB and more: mkfs would allocate up to 1 GiB on the host at once. */
  private static final int JOURNAL_MIB = 64;

  private PackageDisk() {}

  /** Whether the package has its own disk (installs from before have plain directories). */
  static boolean exists(PackageLayout layout) {
    return Files.isRegularFile(layout.diskImage(), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Creates the sparse image of {@code bytes} for {@code id}, formatted ext4 without reserved
   * blocks. Written beside its final name and renamed into place, so a crash or a full host disk
   * leaves no half image; refused with a sentence naming both sizes when the host's disk has less
   * free than the image's metadata needs plus a reserve.
   */
  static void create(PackageLayout layout, String id, long bytes) {
    Path image = layout.diskImage();
    Path tmp = image.resolveSibling(image.getFileName() + ".tmp");
    try {
      Files.createDirectories(layout.dir());
      Files.deleteIfExists(tmp);
      long free = Files.getFileStore(layout.dir()).getUsableSpace();
      long needed = metadataBytes(bytes) + HOST_RESERVE;
      if (free < needed) {
        throw fullHost(id, bytes, free, needed, "");
      }
      try (RandomAccessFile f = new RandomAccessFile(tmp.toFile(), "rw")) {
        f.setLength(bytes);
      }
      List<String> mkfs = new ArrayList<>(List.of("mkfs.ext4", "-q", "-F", "-m", "0"));
      if (bytes >= (4L << 30)) {
        mkfs.addAll(List.of("-J", "size=" + JOURNAL_MIB));
      }
      mkfs.addAll(List.of("-L", label(id), tmp.toString()));
      try {
        HostCommands.run("create the disk of " + id, mkfs);
      } catch (RpcException e) {
        long now = Files.getFileStore(layout.dir()).getUsableSpace();
        if (now < needed) {
          throw fullHost(id, bytes, now, needed, " (" + e.getMessage() + ")");
        }
        throw e;
      }
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(tmp, image, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new RpcException(
          ErrorKind.FILESYSTEM,
          "cannot create the " + size(bytes) + " disk of " + id + ": " + e.getMessage(),
          e);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private static RpcException fullHost(
      String id, long bytes, long free, long needed, String cause) {
    return new RpcException(
        ErrorKind.FILESYSTEM,
        "cannot create the "
            + size(bytes)
            + " disk of "
            + id
            + ": the host's disk has "
            + size(free)
            + " free, and creating it needs "
            + size(needed)
            + "; free space on the host and try again"
            + cause);
  }

  /** What mkfs writes into a sparse image of {@code bytes}, generously (journal, tables). */
  static long metadataBytes(long bytes) {
    long journal = bytes >= (4L << 30) ? (long) JOURNAL_MIB << 20 : Math.min(bytes / 16, 32L << 20);
    return journal + bytes / 512 + (1L << 20);
  }

  /**
   * Mounts the package's image at {@link PackageLayout#disk} unless it already is (a startd that
   * was killed leaves it mounted). No-op for an install without an image.
   */
  static void mount(PackageLayout layout, String id) {
    if (!exists(layout)) {
      return;
    }
    Path at = layout.disk();
    if (PackageMounts.isMountPoint(at)) {
      return;
    }
    try {
      Files.createDirectories(at);
      HostCommands.run(
          "mount the disk of " + id,
          "mount",
          "-t",
          "ext4",
          // the package's files: no device node or setuid bit works from them; discard gives the
          // space of deleted files back to the host
          "-o",
          "loop,nodev,nosuid,discard",
          layout.diskImage().toString(),
          at.toString());
      // the container's root reaches its directories through here, but may not list or change it
      Files.setPosixFilePermissions(at, PosixFilePermissions.fromString("rwx--x--x"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot mount the disk of " + id, e);
    }
  }

  /**
   * Unmounts the package's disk (its loop device goes with it); everything mounted below must be
   * gone first. A disk still busy is detached lazily: it goes once its last user does.
   */
  static void unmount(PackageLayout layout) {
    Path at = layout.disk();
    if (!PackageMounts.isMountPoint(at)) {
      return;
    }
    PackageMounts.unmountAll(at);
    if (PackageMounts.isMountPoint(at)) {
      HostCommands.run("detach the disk at " + at, "umount", "-l", at.toString());
    }
  }

  /** Size and free bytes of the mounted disk; empty when it is not mounted. */
  static Optional<Usage> usage(PackageLayout layout) {
    Path at = layout.disk();
    if (!exists(layout) || !PackageMounts.isMountPoint(at)) {
      return Optional.empty();
    }
    try {
      FileStore store = Files.getFileStore(at);
      return Optional.of(
          new Usage(Files.size(layout.diskImage()), store.getTotalSpace(), store.getUsableSpace()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A mounted disk's image size (the cap), its filesystem's size and its free bytes. */
  record Usage(long cap, long total, long free) {
    /** Full: what is left would not hold one more small file in each volume. */
    boolean full() {
      return free < Math.max(total / 100, 1L << 20);
    }

    /** Room again after being full (a margin, so one freed block does not re-arm the warning). */
    boolean roomy() {
      return free > total / 10;
    }
  }

  /** {@code 64 MiB}, {@code 64 GiB}. */
  static String size(long bytes) {
    if (bytes >= (1L << 30) && bytes % (1L << 30) == 0) {
      return (bytes >> 30) + " GiB";
    }
    return (bytes >> 20) + " MiB";
  }

  private static String label(String id) {
    return id.length() > 16 ? id.substring(0, 16) : id;
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // a later create deletes it first
    }
  }
}
