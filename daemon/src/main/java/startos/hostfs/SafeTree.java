package startos.hostfs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Deletes trees whose contents a package may own (its volumes, subcontainer roots and layers) one
 * directory file descriptor at a time: every entry is looked at, opened and unlinked relative to
 * its already open parent and never through a symlink, so a package swapping a directory for a
 * symlink while the walk runs only makes the walk delete that symlink. The walk never crosses into
 * another filesystem: a mount left inside the tree is refused with an error instead of emptied.
 *
 * <p>Trusted side: every component of the root's <em>parent</em> path is the host's; everything
 * from the root down may be the package's. Blocking, any thread.
 */
public final class SafeTree {
  private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
  private static final Path MOUNT_INFO = Path.of("/proc/self/mountinfo");

  /** How often an entry is looked at again when it changed under the walk. */
  private static final int ATTEMPTS = 5;

  private SafeTree() {}

  /**
   * Deletes {@code root} and everything below it; nothing happens when it does not exist. A symlink
   * at {@code root} is removed itself, never what it points to.
   *
   * @throws UncheckedIOException naming the path that could not be deleted, e.g. a directory a
   *     filesystem is still mounted on
   */
  public static void delete(Path root) {
    delete(root, p -> {});
  }

  /**
   * {@link #delete(Path)} calling {@code beforeEntering} with each directory about to be opened.
   */
  static void delete(Path root, Consumer<Path> beforeEntering) {
    Path absolute = root.toAbsolutePath().normalize();
    Path parent = absolute.getParent();
    if (parent == null || !Files.exists(absolute, NOFOLLOW)) {
      return;
    }
    // a bind of the same filesystem keeps st_dev; the mount table names it
    Optional<Path> mounted = mountedUnder(absolute);
    if (mounted.isPresent()) {
      MountedException e = new MountedException(mounted.get());
      throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
    }
    try (SecureDirectoryStream<Path> dir = open(parent)) {
      deleteEntry(dir, device(dir), absolute.getFileName(), absolute, beforeEntering);
    } catch (NoSuchFileException e) {
      // gone meanwhile: nothing left to delete
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root + ": " + e.getMessage(), e);
    }
  }

  /** A mount point at or below {@code dir} in this process's mount table, if any. */
  static Optional<Path> mountedUnder(Path dir) {
    try {
      for (String line : Files.readAllLines(MOUNT_INFO, StandardCharsets.UTF_8)) {
        String[] f = line.split(" ");
        if (f.length > 4) {
          Path p = Path.of(unescape(f[4]));
          if (p.startsWith(dir)) {
            return Optional.of(p);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the mount table: " + e.getMessage(), e);
    }
    return Optional.empty();
  }

  /** mountinfo writes space, tab, newline and backslash as three octal digits after a '\'. */
  private static String unescape(String s) {
    return s.replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\");
  }

  private static SecureDirectoryStream<Path> open(Path dir) throws IOException {
    DirectoryStream<Path> stream = Files.newDirectoryStream(dir);
    if (stream instanceof SecureDirectoryStream<Path> secure) {
      return secure;
    }
    stream.close();
    throw new IOException("this platform cannot delete relative to an open directory");
  }

  /** Deletes {@code name} inside {@code dir}; {@code shown} is its full path for errors. */
  private static void deleteEntry(
      SecureDirectoryStream<Path> dir,
      String parentDevice,
      Path name,
      Path shown,
      Consumer<Path> beforeEntering)
      throws IOException {
    for (int attempt = 1; ; attempt++) {
      BasicFileAttributes a;
      try {
        a = dir.getFileAttributeView(name, BasicFileAttributeView.class, NOFOLLOW).readAttributes();
      } catch (NoSuchFileException e) {
        return;
      }
      try {
        if (!a.isDirectory()) {
          dir.deleteFile(name);
          return;
        }
        beforeEntering.accept(shown);
        // O_NOFOLLOW: a symlink swapped in since the look above fails here instead of being entered
        try (SecureDirectoryStream<Path> child = dir.newDirectoryStream(name, NOFOLLOW)) {
          String childDevice = device(child);
          if (!childDevice.equals(parentDevice)) {
            throw new MountedException(shown);
          }
          for (Path entry : names(child)) {
            deleteEntry(child, childDevice, entry, shown.resolve(entry), beforeEntering);
          }
        }
        dir.deleteDirectory(name);
        return;
      } catch (NoSuchFileException e) {
        return;
      } catch (MountedException e) {
        throw e;
      } catch (FileSystemException e) {
        // the package changed the entry (type swap, new files) under the walk: look again
        if (attempt >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private static List<Path> names(SecureDirectoryStream<Path> dir) throws IOException {
    List<Path> names = new ArrayList<>();
    try {
      for (Path p : dir) {
        names.add(p.getFileName());
      }
    } catch (DirectoryIteratorException e) {
      throw e.getCause();
    }
    return names;
  }

  /** The st_dev of an open directory, from its file key ({@code (dev=..,ino=..)} on Linux). */
  private static String device(SecureDirectoryStream<Path> dir) throws IOException {
    Object key = dir.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
    String text = String.valueOf(key);
    int ino = text.indexOf(",ino=");
    return ino < 0 ? text : text.substring(0, ino);
  }

  /** A filesystem mounted inside the tree: its contents are not the tree's to delete. */
  private static final class MountedException extends FileSystemException {
    private static final long serialVersionUID = 1L;

    MountedException(Path where) {
      super(where.toString(), null, "a filesystem is mounted there; unmount it first");
    }
  }
}
