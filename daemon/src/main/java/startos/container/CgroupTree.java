package startos.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Our containers' cgroups in the v1 hierarchies: {@code <root>/<controller>/<prefix>.payload.<id>}
 * for the container and {@code <prefix>.monitor.<id>} for LXC's monitor process.
 */
final class CgroupTree {
  private final Path root;
  private final String prefix;

  CgroupTree(Path root, String prefix) {
    this.root = root;
    this.prefix = prefix;
  }

  String payloadName(String id) {
    return prefix + ".payload." + id;
  }

  String monitorName(String id) {
    return prefix + ".monitor." + id;
  }

  /** The container's cgroup in the hierarchy holding {@code controller}, if it exists. */
  Optional<Path> payload(String controller, String id) {
    return hierarchy(controller).map(h -> h.resolve(payloadName(id))).filter(Files::isDirectory);
  }

  Optional<Path> monitor(String controller, String id) {
    return hierarchy(controller).map(h -> h.resolve(monitorName(id))).filter(Files::isDirectory);
  }

  /** Reads a single-number control file such as {@code memory.usage_in_bytes}. */
  static long readLong(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
      return text.equals("max") ? Long.MAX_VALUE : Long.parseLong(text);
    } catch (IOException | NumberFormatException e) {
      throw new ContainerException("cannot read the cgroup value " + file, e);
    }
  }

  /** Our cgroup directories for {@code id}, or for every id when {@code id} is empty. */
  List<Path> dirs(String id) {
    List<Path> found = new ArrayList<>();
    for (Path h : hierarchies()) {
      try (DirectoryStream<Path> children = Files.newDirectoryStream(h, prefix + ".*")) {
        for (Path child : children) {
          String name = child.getFileName().toString();
          boolean ours =
              id.isEmpty()
                  ? name.startsWith(prefix + ".payload.") || name.startsWith(prefix + ".monitor.")
                  : name.equals(payloadName(id)) || name.equals(monitorName(id));
          if (ours && Files.isDirectory(child)) {
            found.add(child);
          }
        }
      } catch (IOException e) {
        throw new ContainerException("cannot list cgroup hierarchy " + h, e);
      }
    }
    return found;
  }

  /** Pids in a cgroup and all cgroups below it. */
  static Set<Long> pids(Path dir) {
    Set<Long> pids = new LinkedHashSet<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path procs : files.filter(p -> p.endsWith("cgroup.procs")).toList()) {
        for (String line : Files.readAllLines(procs, StandardCharsets.US_ASCII)) {
          if (!line.isBlank()) {
            pids.add(Long.parseLong(line.strip()));
          }
        }
      }
    } catch (NoSuchFileException | UncheckedIOException e) {
      // the cgroup went away while we read it: LXC removes its own when a container ends
      if (Files.isDirectory(dir)) {
        throw new ContainerException("cannot list the processes of cgroup " + dir, e);
      }
    } catch (IOException | NumberFormatException e) {
      throw new ContainerException("cannot list the processes of cgroup " + dir, e);
    }
    return pids;
  }

  /** Removes a cgroup and the cgroups below it, deepest first; they must hold no processes. */
  static void remove(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path sub : files.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(sub);
      }
    } catch (NoSuchFileException | UncheckedIOException e) {
      if (Files.isDirectory(dir)) {
        throw new ContainerException("cannot remove cgroup " + dir + ": " + e.getMessage(), e);
      }
    } catch (IOException e) {
      throw new ContainerException("cannot remove cgroup " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Hierarchy directories; symlinks such as {@code cpuacct -> cpu,cpuacct} are skipped. */
  private List<Path> hierarchies() {
    List<Path> found = new ArrayList<>();
    if (!Files.isDirectory(root)) {
      return found;
    }
    try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
      for (Path child : children) {
        if (Files.isDirectory(child) && !Files.isSymbolicLink(child)) {
          found.add(child);
        }
      }
    } catch (IOException e) {
      throw new ContainerException("cannot list cgroup hierarchies in " + root, e);
    }
    return found;
  }

  /** The hierarchy holding {@code controller}, e.g. {@code memory} or {@code cpu,cpuacct}. */
  private Optional<Path> hierarchy(String controller) {
    for (Path h : hierarchies()) {
      for (String name : h.getFileName().toString().split(",")) {
        if (name.equals(controller)) {
          return Optional.of(h);
        }
      }
    }
    return Optional.empty();
  }
}
