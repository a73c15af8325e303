package startos.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.hostfs.HostMount;
import startos.rpc.RpcException;

/** Reads the host's mount table to find and undo what this layer mounted. */
final class PackageMounts {
  private static final Logger LOG = LoggerFactory.getLogger(PackageMounts.class);

  private PackageMounts() {}

  /** Mount points at or below {@code dir}, deepest first (the order to unmount them). */
  static List<Path> under(Path dir) {
    List<Path> found = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        if (f.length > 4) {
          Path p = Path.of(unescape(f[4]));
          if (p.startsWith(dir)) {
            found.add(p);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the mount table", e);
    }
    found.sort(Comparator.comparingInt(Path::getNameCount).reversed());
    return found;
  }

  static boolean isMountPoint(Path dir) {
    return under(dir).contains(dir);
  }

  /**
   * Detaches everything mounted at or below {@code dir}. The package may own the paths below (a
   * subcontainer's tree), so each mount is detached by {@link HostMount#unmount}, which finds it
   * below {@code dir}'s parent (the host's path) without following symlinks; one that cannot be
   * reached that way stays and is logged, and deleting the tree later refuses to cross it.
   */
  static void unmountAll(Path dir) {
    Path base = dir.toAbsolutePath().getParent();
    for (int round = 0; round < 3; round++) {
      List<Path> mounts = under(dir);
      if (mounts.isEmpty()) {
        return;
      }
      for (Path p : mounts) {
        try {
          HostMount.unmount(base, base.relativize(p).toString(), "unmount " + p);
        } catch (RpcException e) {
          LOG.warn("{}", e.getMessage());
        }
      }
    }
  }

  private static String unescape(String s) {
    return s.replace("\\040", " ")
        .replace("\\011", "\t")
        .replace("\\012", "\n")
        .replace("\\134", "\\");
  }
}
