package startos.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import startos.container.IdRanges;

/**
 * Moves a package's files from one host id range to another: installs made before each package had
 * its own range are owned by the shared default range (100000), and their new container's root
 * could not write them. The range the files are in is recorded in {@code <package>/id-range}.
 *
 * <p>Called only while none of the package's containers runs: the trees are the package's, and
 * nothing may swap a path for a symlink under the walk, which never follows one either (every
 * change is an lchown of the entry itself).
 */
final class IdShift {
  private IdShift() {}

  /**
   * Shifts every file of {@code layout} (volumes, images, subcontainer layers) owned by an id in
   * {@code [from, from+65536)} to the same offset in {@code [to, to+65536)}, unless the recorded
   * range already is {@code to}. Ids outside the source range are left alone.
   */
  static void migrate(PackageLayout layout, int from, int to) {
    Path marker = layout.dir().resolve("id-range");
    try {
      int current =
          Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)
              ? Integer.parseInt(Files.readString(marker, StandardCharsets.US_ASCII).strip())
              : from;
      if (current != to) {
        for (Path tree : List.of(layout.volumes(), layout.images(), layout.layers())) {
          shift(tree, current, to);
        }
      }
      Path tmp = marker.resolveSibling("id-range.tmp");
      Files.writeString(tmp, to + "\n", StandardCharsets.US_ASCII);
      Files.move(
          tmp,
          marker,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | NumberFormatException e) {
      throw new UncheckedIOException(
          "cannot move the files of " + layout.dir() + " to the id range " + to,
          e instanceof IOException io ? io : new IOException(e));
    }
  }

  private static void shift(Path tree, int from, int to) throws IOException {
    if (!Files.isDirectory(tree, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(tree)) {
      for (Path p : walk.toList()) {
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        boolean uidIn = uid >= from && uid - from < IdRanges.SIZE;
        boolean gidIn = gid >= from && gid - from < IdRanges.SIZE;
        if (!uidIn && !gidIn) {
          continue;
        }
        boolean link = Files.isSymbolicLink(p);
        int mode =
            link ? 0 : (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if (uidIn) {
          Files.setAttribute(p, "unix:uid", to + (uid - from), LinkOption.NOFOLLOW_LINKS);
        }
        if (gidIn) {
          Files.setAttribute(p, "unix:gid", to + (gid - from), LinkOption.NOFOLLOW_LINKS);
        }
        if (!link && (mode & 06000) != 0) {
          // chown clears setuid/setgid; put them back
          Files.setAttribute(p, "unix:mode", mode & 07777, LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
  }
}
