package startos.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import startos.container.ContainerMount;
import startos.container.ContainerSpec;
import startos.container.Limits;
import startos.hostfs.SafeTree;
import startos.model.Database;
import startos.model.ServiceLimits;
import startos.model.Slots;

/**
 * What one service's container is made of: the host directories it sees (prepared before each
 * start, handed to the container's mapped root where the package may write) and its {@link
 * ContainerSpec} (mounts, cgroup limits, environment).
 *
 * <p>Lock discipline: no state and no lock of its own. {@link #prepareHostDirs} changes the host
 * directories the container mounts, so it runs only from {@link ServiceContainer#startLocked}, with
 * the service's lock held and no container of this package running.
 */
final class ContainerSetup {
  static final String INIT = "/media/startos/boot/init";

  /**
   * Every service's cgroup: a fork bomb stops at 4096 processes and CPU is shared fairly between
   * services; the memory cap comes from {@link ServiceSettings#memoryLimitBytes}.
   */
  static final Limits LIMITS = new Limits(0, 4096, 1024, 0);

  private final String id;
  private final PackageLayout layout;
  private final ServiceSettings settings;
  private final Database db;

  ContainerSetup(String id, ServiceSettings settings, Database db) {
    this.id = id;
    this.layout = settings.layout(id);
    this.settings = settings;
    this.db = db;
  }

  /** The cgroup limits this service's container runs with: the defaults, then the admin's. */
  Limits limits() {
    return limits(settings, db.read(Slots.SERVICE_LIMITS).getOrDefault(id, ServiceLimits.DEFAULTS));
  }

  /** startd's defaults overridden by {@code admin}; throws when the result is not a valid limit. */
  static Limits limits(ServiceSettings settings, ServiceLimits admin) {
    Limits d = LIMITS.withMemoryBytes(settings.memoryLimitBytes());
    return new Limits(
        admin.memoryBytes().orElse(d.memoryBytes()),
        admin.maxPids().orElse(d.maxPids()),
        admin.cpuShares().orElse(d.cpuShares()),
        admin.cpuMillis().orElse(d.cpuMillis()));
  }

  /** The container runtime's own output and the package's, captured in the log. */
  void prepareHostDirs() {
    try {
      // first: everything below that the package may write goes onto its own disk, if it has one
      PackageDisk.mount(layout, id);
      Files.createDirectories(layout.rpc());
      Files.deleteIfExists(layout.rpc().resolve("service.sock"));
      Files.deleteIfExists(layout.rpc().resolve("host.sock"));
      prepareConsole();
      Files.createDirectories(layout.volumes());
      Files.createDirectories(layout.imageMeta());
      Files.createDirectories(layout.emptyAssets());
      PackageMounts.unmountAll(layout.subcontainers());
      Files.createDirectories(layout.subcontainers());
      // a shared mount, so overlays mounted here later show up inside the running container
      HostCommands.run(
          "share " + layout.subcontainers(),
          "mount",
          "--bind",
          layout.subcontainers().toString(),
          layout.subcontainers().toString());
      HostCommands.run(
          "share " + layout.subcontainers(),
          "mount",
          "--make-shared",
          layout.subcontainers().toString());
      Files.createDirectories(layout.boot());
      Path init = layout.boot().resolve("init");
      Files.writeString(
          init,
          "#!/bin/sh\n# written by startd: the runtime's output goes to the console file it tails\n"
              + "exec /usr/sbin/init -- /usr/lib/startos/container-runtime/start-runtime"
              + " >>/media/startos/console/console.log 2>&1\n",
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(layout.dir(), PosixFilePermissions.fromString("rwx--x--x"));
      // files of an install from before per-package ranges (or of another range) change hands
      // now, while no container of this package runs to swap paths under the walk
      IdShift.migrate(layout, settings.containerRootUid(), settings.rootUid(id));
      String owner = settings.rootUid(id) + ":" + settings.rootUid(id);
      HostCommands.run(
          "hand directories to the container",
          "chown",
          owner,
          layout.rpc().toString(),
          layout.subcontainers().toString(),
          layout.volumes().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot prepare the directories of " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * A fresh console file the container may write but never replace: the directory is the host's
   * (the container's root cannot create, rename or delete in it), the file a regular one the host
   * made and handed to the container's root. So the host's tailer can never be pointed at a symlink
   * (a host file, {@code /dev/zero}) or a FIFO.
   */
  private void prepareConsole() throws IOException {
    Path dir = layout.console();
    Files.createDirectories(dir);
    // earlier versions handed the directory itself to the container: take it back first
    Files.setAttribute(dir, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(dir, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    SafeTree.delete(layout.consoleLog());
    Files.createFile(
        layout.consoleLog(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.setAttribute(
        layout.consoleLog(), "unix:uid", settings.rootUid(id), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(
        layout.consoleLog(), "unix:gid", settings.rootUid(id), LinkOption.NOFOLLOW_LINKS);
  }

  ContainerSpec spec() {
    List<ContainerMount> mounts = new ArrayList<>();
    mounts.add(ContainerMount.bind(layout.rpc(), "/media/startos/rpc"));
    mounts.add(ContainerMount.readOnlyBind(layout.imageMeta(), "/media/startos/images"));
    mounts.add(ContainerMount.bind(layout.subcontainers(), "/media/startos/subcontainers"));
    mounts.add(ContainerMount.bind(layout.volumes(), "/media/startos/volumes"));
    mounts.add(ContainerMount.squashfs(layout.javascript(), "/usr/lib/startos/package"));
    if (Files.isRegularFile(layout.assets())) {
      mounts.add(ContainerMount.squashfs(layout.assets(), "/media/startos/assets"));
    } else {
      mounts.add(ContainerMount.readOnlyBind(layout.emptyAssets(), "/media/startos/assets"));
    }
    mounts.add(ContainerMount.readOnlyBind(layout.boot(), "/media/startos/boot"));
    // the file, not its directory: the container may write it but never replace it
    mounts.add(ContainerMount.bind(layout.consoleLog(), "/media/startos/console/console.log"));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("STARTOS_LOG_LEVEL", "info");
    env.put("STARTOS_SHUTDOWN_GRACE_MS", Long.toString(settings.stopTimeout().toMillis()));
    // the image's start-runtime launcher picks node's memory-lean flags (container-runtime/README)
    ContainerSpec spec =
        new ContainerSpec(id, settings.runtimeImage(), List.of(INIT), mounts, limits(), env)
            .withIdmapBase(settings.rootUid(id));
    return layout.containerRoot().map(spec::withWritableRoot).orElse(spec);
  }
}
