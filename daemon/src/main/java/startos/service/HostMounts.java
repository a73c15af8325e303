package startos.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Reads the host's mount table to find and undo what this layer mounted. */
final class HostMounts {
  private HostMounts() {}

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

  /** Unmounts everything at or below {@code dir}, detaching lazily what is busy. */
  static void unmountAll(Path dir) {
    for (int round = 0; round < 3; round++) {
      List<Path> mounts = under(dir);
      if (mounts.isEmpty()) {
        return;
      }
      for (Path p : mounts) {
        try {
          HostCommands.run("unmount " + p, "umount", p.toString());
        } catch (RuntimeException e) {
          HostCommands.run("detach " + p, "umount", "-l", p.toString());
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
