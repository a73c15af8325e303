package startos.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.hostfs.HostMount;
import startos.logs.ServiceLog;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * The subcontainers and mounts a package asks for through its effects ({@code createFs}, {@code
 * destroyFs}, {@code mount}): overlays of its images below its {@code subcontainers/} directory,
 * which the running container sees as {@code /media/startos/subcontainers}. Everything below that
 * directory is the package's (untrusted side); the layers and images are the host's.
 *
 * <p>Lock discipline: none. Effects arrive on the effect server's threads while the service runs,
 * and take no service lock (a boot holding it may be waiting for one of them). Each call works on
 * its own guid; what is left when the container stops goes in {@link ServiceContainer}'s teardown,
 * which runs after the effect server is closed.
 */
final class Subcontainers {
  private static final Logger LOG = LoggerFactory.getLogger(Subcontainers.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String id;
  private final PackageLayout layout;
  private final ServiceSettings settings;
  private final ServiceLog log;

  Subcontainers(String id, ServiceSettings settings, ServiceLog log) {
    this.id = id;
    this.layout = settings.layout(id);
    this.settings = settings;
    this.log = log;
  }

  /** A fresh subcontainer of {@code imageId}; answers its path in the container and its guid. */
  List<String> createFs(String imageId, Optional<String> name) {
    Path image = layout.images().resolve(imageId);
    if (!Files.isDirectory(image)) {
      throw new RpcException(
          ErrorKind.NOT_FOUND, "package " + id + " has no image named " + imageId);
    }
    String guid = HexFormat.of().withUpperCase().formatHex(randomBytes(16));
    Path layers = layout.layers().resolve(guid);
    Path upper = layers.resolve("upper");
    Path work = layers.resolve("work");
    // the overlay is put together where only the host looks (layers/), then attached by file
    // descriptor: subcontainers/ is the package's, which could swap a fresh directory there for a
    // symlink between its creation and a chown or mount by name
    Path merged = layers.resolve("merged");
    String what = "mount the root of subcontainer " + name.orElse(guid) + " of " + id;
    try {
      Files.createDirectories(upper);
      Files.createDirectories(work);
      Files.createDirectories(merged);
      String owner = settings.rootUid(id) + ":" + settings.rootUid(id);
      HostCommands.run(
          "prepare subcontainer " + guid, "chown", owner, upper.toString(), work.toString());
    } catch (IOException e) {
      // typically its own disk is full: the package hears why, as for its own writes
      throw new RpcException(
          ErrorKind.FILESYSTEM,
          "cannot prepare subcontainer "
              + name.orElse(guid)
              + " of "
              + id
              + ": "
              + e.getMessage()
              + (PackageDisk.usage(layout).filter(PackageDisk.Usage::full).isPresent()
                  ? " (its disk is full)"
                  : ""),
          e);
    }
    HostCommands.run(
        what,
        "mount",
        "-t",
        "overlay",
        "overlay",
        "-o",
        // the image and upper layer are the package's: no device node or setuid file works here
        "nodev,nosuid,lowerdir=" + image + ",upperdir=" + upper + ",workdir=" + work,
        merged.toString());
    try {
      // resolved beneath the directory holding subcontainers/ (the package disk when it has one)
      HostMount.bind(layers, "merged", layout.writable(), "subcontainers/" + guid, false, what);
    } finally {
      // the attached copy keeps the overlay alive
      HostCommands.run("unmount the staging overlay of " + guid, "umount", "-l", merged.toString());
    }
    try {
      // for `start-cli package attach -n/-i` (a local root tool): layers/ is the host's, not the
      // package's, and the name is only ever compared, never used as a path
      var info = RuntimeClient.JSON.createObjectNode().put("imageId", imageId);
      info.put("name", name.orElse(""));
      Files.writeString(layers.resolve("info.json"), info.toString());
    } catch (IOException e) {
      LOG.warn("{}: cannot record subcontainer {} for attach: {}", id, guid, e.getMessage());
    }
    log.append("startd: subcontainer " + name.orElse("") + " " + guid + " from image " + imageId);
    return List.of("/media/startos/subcontainers/" + guid, guid);
  }

  /** Unmounts and deletes one subcontainer. */
  void destroyFs(String guid) {
    Path root = layout.subcontainers().resolve(guid);
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new RpcException(ErrorKind.NOT_FOUND, "package " + id + " has no subcontainer " + guid);
    }
    // its processes go first: one left running keeps writing into the tree being deleted
    try {
      HostMount.killProcessesRootedIn(
          layout.subcontainers(), guid, "stop the processes of subcontainer " + guid + " of " + id);
    } catch (RpcException e) {
      if (e.kind() != ErrorKind.INVALID_REQUEST) {
        throw e;
      }
      // no overlay there (a symlink or directory the package put in its place): no subcontainer
      // runs there, and what is there is deleted below without following anything
      LOG.info("{}", e.getMessage());
    }
    PackageMounts.unmountAll(root);
    try {
      PackageLayout.deleteTree(root);
      PackageLayout.deleteTree(layout.layers().resolve(guid));
    } catch (UncheckedIOException e) {
      // e.g. a process of the package still writing into it: what is left goes at teardown
      throw new RpcException(
          ErrorKind.FILESYSTEM,
          "subcontainer " + guid + " of " + id + " was not fully removed: " + e.getMessage());
    }
  }

  /**
   * Binds {@code volumePath} below {@code volumes} (a package's volumes directory) at {@code
   * location} in one of this package's subcontainers, the only place the host can reach while it
   * runs. Both sides belong to packages, so {@link HostMount} resolves them without following any
   * symlink and attaches the mount by file descriptor, nosuid,nodev and read-only before it becomes
   * visible when asked.
   */
  void mount(Path volumes, String owner, String volumePath, String location, boolean readOnly) {
    String prefix = "/media/startos/subcontainers/";
    Path normalized = Path.of(location).normalize();
    if (!location.startsWith(prefix)
        || !normalized.toString().startsWith(prefix)
        || location.contains("/../")) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST,
          "mount location must be inside a subcontainer ("
              + prefix
              + "<guid>/...), got "
              + location);
    }
    String target = normalized.toString().substring(prefix.length());
    if (Path.of(target).getNameCount() < 2) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST,
          "mount location " + location + " refused: it must name a path inside a subcontainer");
    }
    HostMount.bind(
        volumes,
        volumePath,
        layout.subcontainers(),
        target,
        readOnly,
        "mount of " + owner + "'s volume path " + volumePath + " at " + location);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
