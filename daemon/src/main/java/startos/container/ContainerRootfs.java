package startos.container;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.hostfs.SafeTree;

/**
 * A container's root and images on the host: the squashfs lower layer, the overlay with its own
 * upper and work directories, squashfs mounts, and the ownership binds need for the id map.
 */
final class ContainerRootfs {
  private static final Logger LOG = LoggerFactory.getLogger(ContainerRootfs.class);

  private final LxcSettings settings;
  private final ProcessRunner runner;
  private final MountTable mountTable;

  ContainerRootfs(LxcSettings settings, ProcessRunner runner, MountTable mountTable) {
    this.settings = settings;
    this.runner = runner;
    this.mountTable = mountTable;
  }

  void requireSources(ContainerSpec spec) {
    if (!Files.isRegularFile(spec.rootfsImage())) {
      throw new ContainerException(
          "rootfs image " + spec.rootfsImage() + " of container " + spec.id() + " does not exist");
    }
    for (ContainerMount m : spec.mounts()) {
      boolean ok =
          m.kind() == MountKind.SQUASHFS
              ? Files.isRegularFile(m.source())
              : Files.exists(m.source());
      if (!ok) {
        throw new ContainerException(
            (m.kind() == MountKind.SQUASHFS ? "squashfs image " : "mount source ")
                + m.source()
                + " for "
                + m.target()
                + " in container "
                + spec.id()
                + " does not exist");
      }
    }
  }

  /** Mounts the root overlay and the squashfs images; returns what LXC must bind in. */
  List<LxcConfigFile.MountEntry> prepareRoot(ContainerSpec spec, ContainerLayout layout)
      throws IOException {
    Files.createDirectories(layout.dir());
    // the mapped root must be able to reach its rootfs and bind sources through these
    var traversable = PosixFilePermissions.fromString("rwx--x--x");
    Files.setPosixFilePermissions(settings.stateDir(), traversable);
    Files.setPosixFilePermissions(settings.containersDir(), traversable);
    Files.setPosixFilePermissions(layout.dir(), traversable);
    // a fresh writable root on every start; the directories themselves (and their owner) stay.
    // They may be on the service's own disk, whose size then caps what the root takes
    Path upper = spec.writableRoot().map(w -> w.resolve("upper")).orElse(layout.upper());
    Path work = spec.writableRoot().map(w -> w.resolve("work")).orElse(layout.work());
    boolean fresh = !Files.isDirectory(upper) || !Files.isDirectory(work);
    deleteContents(upper);
    deleteContents(work);
    deleteTree(layout.dir().resolve("images"));
    deleteTree(layout.dir().resolve("binds"));
    for (Path p : List.of(layout.lower(), upper, work, layout.rootfs())) {
      Files.createDirectories(p);
    }
    int base = spec.idmapBase().orElse(settings.idmapBase());
    String owner = base + ":" + base;
    // a container that was run under another range before: its overlay dirs must change hands
    fresh = fresh || (Integer) Files.getAttribute(upper, "unix:uid") != base;
    if (fresh) {
      runner
          .run("chown", owner, upper.toString(), work.toString())
          .orThrow("cannot hand the overlay of " + spec.id() + " to the mapped root");
    }
    if (base == settings.idmapBase()) {
      mountSquashfs(spec.rootfsImage(), layout.lower());
      disableReadAhead(layout.lower());
    } else {
      // the image is built owned by the default range; this container's root is another range:
      // show it the image through an idmapped mount (squashfs and overlayfs support them), so
      // every container shares one image file and its page cache
      Files.createDirectories(layout.lowerImage());
      mountSquashfs(spec.rootfsImage(), layout.lowerImage());
      disableReadAhead(layout.lowerImage());
      runner
          .run(
              idmapTool().toString(),
              "bind-mount",
              "--source",
              layout.lowerImage().toString(),
              "--target",
              layout.lower().toString(),
              "--readonly",
              "--idmap",
              settings.idmapBase() + ":" + base + ":" + settings.idmapSize())
          .orThrow("cannot map the root image of " + spec.id() + " to its id range " + base);
    }
    if (!ownedByMappedIds(layout.lower(), base)) {
      // it still starts, but the container's root cannot write into its own /etc, /var...
      LOG.warn(
          "rootfs image {} of {} is owned by uid {}, outside the container's id map; build it with"
              + " mksquashfs -force-uid {} -force-gid {}",
          spec.rootfsImage(),
          spec.id(),
          Files.getAttribute(layout.lower(), "unix:uid"),
          settings.idmapBase(),
          settings.idmapBase());
    }
    runner
        .run(
            "mount",
            "-t",
            "overlay",
            "overlay",
            "-o",
            // nodev,nosuid: no device node or setuid file reaches anyone through a container
            "nodev,nosuid,lowerdir=" + layout.lower() + ",upperdir=" + upper + ",workdir=" + work,
            layout.rootfs().toString())
        .orThrow("cannot mount the root overlay of container " + spec.id());
    List<LxcConfigFile.MountEntry> entries = new ArrayList<>();
    int index = 0;
    for (ContainerMount m : spec.mounts()) {
      switch (m.kind()) {
        case SQUASHFS -> {
          Path at = layout.image(index++);
          Files.createDirectories(at);
          mountSquashfs(m.source(), at);
          entries.add(new LxcConfigFile.MountEntry(at, m.relativeTarget(), true, true));
        }
        case BIND -> {
          if (!m.readOnly() && !ownedByMappedIds(m.source(), base)) {
            runner
                .run("chown", owner, m.source().toString())
                .orThrow("cannot hand " + m.source() + " to the mapped root of " + spec.id());
          }
          Path source = m.source();
          if (!m.readOnly()) {
            // LXC applies nodev,nosuid only to read-only binds: give it a host bind that already
            // has them (propagation stays: a bind of a shared mount joins its peer group)
            source = layout.dir().resolve("binds").resolve(Integer.toString(index++));
            if (Files.isDirectory(m.source())) {
              Files.createDirectories(source);
            } else {
              Files.createDirectories(source.getParent());
              Files.deleteIfExists(source);
              Files.createFile(source);
            }
            runner
                .run("mount", "--bind", m.source().toString(), source.toString())
                .orThrow("cannot bind " + m.source() + " for container " + spec.id());
            runner
                .run("mount", "-o", "remount,bind,nodev,nosuid", source.toString())
                .orThrow("cannot make " + m.source() + " nodev,nosuid for container " + spec.id());
          }
          entries.add(
              new LxcConfigFile.MountEntry(
                  source, m.relativeTarget(), m.readOnly(), Files.isDirectory(m.source())));
        }
      }
    }
    return entries;
  }

  /**
   * Turns read-ahead off on the loop device under the runtime image. With it on, every page fault
   * in node's executable pulls 128 KiB into the page cache and fault-around maps all of it into the
   * runtime: 37 MiB of node's RSS instead of 17 (container-runtime/README.md "Memory"). Services
   * mounting the same image file share this loop device, so they share the setting too.
   */
  private void disableReadAhead(Path mountPoint) {
    mountTable.entries().stream()
        .filter(e -> e.mountPoint().equals(mountPoint) && e.source().startsWith("/dev/loop"))
        .reduce((first, last) -> last)
        .ifPresent(e -> {
          Path knob =
              Path.of("/sys/block", Path.of(e.source()).getFileName().toString())
                  .resolve("queue/read_ahead_kb");
          try {
            Files.writeString(knob, "0");
          } catch (IOException ex) {
            LOG.warn(
                "cannot turn read-ahead off on {} under {} ({}): its runtime uses ~20 MiB more",
                e.source(),
                mountPoint,
                ex.getMessage());
          }
        });
  }

  private void mountSquashfs(Path image, Path at) {
    runner
        .run(
            "mount",
            "-t",
            "squashfs",
            "-o",
            "loop,ro,nodev,nosuid",
            image.toString(),
            at.toString())
        .orThrow("cannot mount squashfs image " + image);
  }

  private boolean ownedByMappedIds(Path path, int base) throws IOException {
    int uid = (Integer) Files.getAttribute(path, "unix:uid");
    return uid >= base && uid < base + settings.idmapSize();
  }

  /**
   * {@code start-container} on the host, whose {@code bind-mount --idmap} makes an idmapped mount
   * (mount_setattr, which neither Java nor util-linux 2.38's mount can do on squashfs): the
   * checkout's build when run from one, else the installed copy.
   */
  static Path idmapTool() {
    String root = System.getenv("STARTOS_ROOT");
    if (root != null && !root.isBlank()) {
      Path built = Path.of(root, "start-container", "build", "start-container");
      if (Files.isExecutable(built)) {
        return built;
      }
    }
    return Path.of("/usr/lib/startos/start-container");
  }

  /** Unmounts everything at or below {@code dir}; loop devices go with their mounts. */
  void unmountAll(Path dir) {
    for (Path mountPoint : mountTable.under(dir)) {
      ProcessResult r = runner.run("umount", mountPoint.toString());
      if (!r.succeeded()) {
        LOG.warn("umount {} failed ({}); detaching it lazily", mountPoint, r.stderr().strip());
        runner.run("umount", "-l", mountPoint.toString()).orThrow("cannot unmount " + mountPoint);
      }
    }
  }

  void deleteContents(Path dir) throws IOException {
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
        for (Path child : children) {
          deleteTree(child);
        }
      }
    }
  }

  /** Deletes a directory tree without following links; refuses if anything is mounted in it. */
  void deleteTree(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    List<Path> mounted = mountTable.under(dir);
    if (!mounted.isEmpty()) {
      throw new ContainerException(
          "refusing to delete " + dir + " while " + mounted.get(0) + " is still mounted");
    }
    try {
      // the container's root owns what is in there: never follow its symlinks
      SafeTree.delete(dir);
    } catch (UncheckedIOException e) {
      throw new ContainerException(e.getMessage(), e);
    }
  }

  /** Writes a file through a temporary sibling, so readers never see half of it. */
  static void write(Path file, String text) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, text, java.nio.charset.StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
