package startos.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The host's mounts as listed in a mountinfo file. */
final class MountTable {
  private final Path mountInfo;

  MountTable(Path mountInfo) {
    this.mountInfo = mountInfo;
  }

  /** One mounted filesystem: where, what type, from what. */
  record Entry(Path mountPoint, String fsType, String source) {}

  List<Entry> entries() {
    List<String> lines;
    try {
      lines = Files.readAllLines(mountInfo, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ContainerException("cannot read the mount table " + mountInfo, e);
    }
    List<Entry> entries = new ArrayList<>();
    for (String line : lines) {
      String[] fields = line.split(" ");
      int dash = List.of(fields).indexOf("-");
      if (fields.length < 5 || dash < 0 || fields.length < dash + 3) {
        continue;
      }
      entries.add(
          new Entry(Path.of(unescape(fields[4])), fields[dash + 1], unescape(fields[dash + 2])));
    }
    return entries;
  }

  /** Mount points at or below {@code dir}, most recent first: the order to unmount them in. */
  List<Path> under(Path dir) {
    List<Path> found = new ArrayList<>();
    for (Entry e : entries()) {
      if (e.mountPoint().startsWith(dir)) {
        found.add(e.mountPoint());
      }
    }
    Collections.reverse(found);
    return found;
  }

  /** Sources of all mounts, e.g. {@code /dev/loop3}. */
  List<String> sources() {
    return entries().stream().map(Entry::source).toList();
  }

  /** mountinfo writes space, tab, newline and backslash as three octal digits after a '\'. */
  static String unescape(String field) {
    if (field.indexOf('\\') < 0) {
      return field;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && isOctal(field, i + 1)) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static boolean isOctal(String s, int from) {
    if (from + 3 > s.length()) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '7') {
        return false;
      }
    }
    return true;
  }
}
