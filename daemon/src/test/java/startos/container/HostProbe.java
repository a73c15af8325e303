package startos.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Looks at the real host for anything a container left behind. */
final class HostProbe {
  private HostProbe() {}

  /** Mount points at or below {@code dir} in this process's mount table. */
  static List<String> mountsUnder(Path dir) {
    return new MountTable(Path.of("/proc/self/mountinfo"))
        .under(dir).stream().map(Path::toString).toList();
  }

  /** Network links whose name starts with {@code prefix}. */
  static List<String> links(String prefix) throws IOException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> links = Files.newDirectoryStream(Path.of("/sys/class/net"))) {
      for (Path link : links) {
        if (link.getFileName().toString().startsWith(prefix)) {
          names.add(link.getFileName().toString());
        }
      }
    }
    return names;
  }

  /** Loop devices whose backing file is one of {@code images}. */
  static List<String> loopsBackedBy(List<Path> images) throws IOException {
    List<String> found = new ArrayList<>();
    try (DirectoryStream<Path> blocks = Files.newDirectoryStream(Path.of("/sys/block"), "loop*")) {
      for (Path block : blocks) {
        Path backing = block.resolve("loop/backing_file");
        if (Files.exists(backing)) {
          String file = Files.readString(backing).strip();
          if (images.stream().anyMatch(i -> i.toString().equals(file))) {
            found.add(block.getFileName() + " -> " + file);
          }
        }
      }
    }
    return found;
  }

  /** Live (not zombie) processes whose command line or cgroups mention {@code text}. */
  static List<String> processesMentioning(String text) throws IOException {
    List<String> found = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path proc : procs) {
        if (proc.getFileName().toString().equals(Long.toString(self))) {
          continue;
        }
        try {
          if (isZombie(proc)) {
            continue; // holds no resources; reaping it is PID 1's job
          }
          String cmdline =
              new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                  .replace('\0', ' ');
          String cgroups = Files.readString(proc.resolve("cgroup"));
          if (cmdline.contains(text) || cgroups.contains(text)) {
            found.add(proc.getFileName() + ": " + cmdline.strip());
          }
        } catch (IOException e) {
          // the process ended while we looked
        }
      }
    }
    return found;
  }

  private static boolean isZombie(Path proc) throws IOException {
    String stat = Files.readString(proc.resolve("stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
  }

  /** cgroup directories (any v1 or v2 hierarchy) whose name starts with {@code prefix}. */
  static List<String> cgroupDirs(String prefix) throws IOException {
    List<String> found = new ArrayList<>();
    try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(Path.of("/sys/fs/cgroup"))) {
      for (Path h : hierarchies) {
        if (!Files.isDirectory(h) || Files.isSymbolicLink(h)) {
          continue;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(h, prefix + "*")) {
          dirs.forEach(d -> found.add(d.toString()));
        }
      }
    }
    return found;
  }

  /** Our nft table as {@code nft list} prints it, or "" when it does not exist. */
  static String nftTable(String table) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("nft", "list", "table", "ip", table).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.waitFor() == 0 ? out : "";
  }
}
