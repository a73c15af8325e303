package startos.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.container.ContainerBackend;
import startos.container.PortForward;
import startos.effects.PackageData;
import startos.effects.PortAllocator;
import startos.install.InstallProgress;
import startos.install.Installer;
import startos.install.VerifiedPackage;
import startos.logs.ServiceLog;
import startos.notification.Draft;
import startos.notification.NotificationLevel;
import startos.notification.Notifications;
import startos.patchdb.PatchDb;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;
import startos.ssl.CertStore;

/**
 * Installs, updates and removes packages: a first install, an update that keeps the old version's
 * files aside until the new one committed, cancels of either, recovery from an update a crash
 * interrupted, and uninstall. Every change to a package holds its lock from {@link ServiceTables}.
 */
final class PackageInstalls {
  private static final Logger LOG = LoggerFactory.getLogger(PackageInstalls.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final PatchDb db;
  private final ContainerBackend backend;
  private final ServiceSettings settings;
  private final Installer installer;
  private final Notifications notifications;
  private final ServiceTables tables;

  /** Creates (or returns) the service of a package, registered in {@code tables}. */
  private final Function<String, Service> serviceOf;

  PackageInstalls(
      PatchDb db,
      ContainerBackend backend,
      ServiceSettings settings,
      Installer installer,
      Notifications notifications,
      ServiceTables tables,
      Function<String, Service> serviceOf) {
    this.db = db;
    this.backend = backend;
    this.settings = settings;
    this.installer = installer;
    this.notifications = notifications;
    this.tables = tables;
    this.serviceOf = serviceOf;
  }

  void prepareDirs() {
    try {
      Path packages = settings.dataDir().resolve("packages");
      Files.createDirectories(packages);
      Files.setPosixFilePermissions(packages, PosixFilePermissions.fromString("rwx--x--x"));
      Files.createDirectories(settings.dataDir().resolve("tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + settings.dataDir(), e);
    }
  }

  /**
   * Verifies the archive before writing anything, unpacks it, creates its volumes and runs its
   * init. A first install whose init fails leaves nothing behind; an update keeps the volumes.
   */
  String install(Path file, InstallProgress progress) {
    prepareDirs();
    progress.start("Verifying");
    String id;
    try {
      id = installer.peekId(file);
    } catch (RuntimeException e) {
      progress.fail(e.getMessage());
      throw e;
    }
    ReentrantLock lock = tables.lock(id);
    if (!lock.tryLock()) {
      tables.installing().remove(id, progress); // registered by its upload
      RpcException busy =
          new RpcException(
              ErrorKind.INVALID_REQUEST, id + " is already being installed or changed");
      progress.fail(busy.getMessage());
      throw busy;
    }
    tables.installing().put(id, progress);
    boolean updating = tables.services().containsKey(id);
    try {
      progress.checkCancelled();
      VerifiedPackage pkg = installer.verify(file, progress);
      if (!pkg.id().equals(id)) {
        pkg.archive().close();
        throw new RpcException(
            ErrorKind.PARSE_S9PK, "the manifest of " + file.getFileName() + " changed while read");
      }
      try (var archive = pkg.archive()) {
        progress.finish("Verifying");
        if (updating) {
          update(pkg, progress);
        } else {
          firstInstall(pkg, progress);
        }
      }
      progress.complete();
      return id;
    } catch (RuntimeException e) {
      if (progress.isCancelled()) {
        String what = updating ? "the update of " + id : "the install of " + id;
        progress.fail(what + " was cancelled");
        LOG.info("{} was cancelled", what);
        throw new RpcException(ErrorKind.CANCELLED, what + " was cancelled", e);
      }
      progress.fail(e.getMessage());
      // as StartOS does: the whole error stays readable after the progress stream is gone
      notifications.notify(
          Draft.forPackage(
              id,
              NotificationLevel.ERROR,
              updating ? "Updating Failed" : "Installing Failed",
              String.valueOf(e.getMessage())));
      throw e;
    } finally {
      tables.installing().remove(id);
      lock.unlock();
    }
  }

  private void firstInstall(VerifiedPackage pkg, InstallProgress progress) {
    String id = pkg.id();
    PackageLayout layout = settings.layout(id);
    removeLeftovers(id, false);
    progress.start("Unpacking");
    db.mutate(root -> {
      ObjectNode entry = PackageData.all(root).putObject(id);
      ObjectNode stateInfo = entry.putObject("stateInfo");
      stateInfo.put("state", "installing");
      ObjectNode info = stateInfo.putObject("installingInfo");
      info.set("newManifest", pkg.manifestJson().deepCopy());
      info.set("progress", progress.toJson());
      fillEntry(entry, pkg, layout);
      return null;
    });
    progress.listen(p -> publishProgress(id, p));
    Service service = null;
    try {
      installer.unpack(pkg, layout, progress);
      createVolumes(layout, pkg);
      progress.finish("Unpacking");
      progress.start("Initializing");
      service = serviceOf.apply(id);
      service.boot(Optional.of("install"), Optional.of(progress));
      if (!progress.commit()) {
        progress.checkCancelled();
      }
      db.mutate(root -> {
        ObjectNode entry = PackageData.require(root, id);
        ObjectNode stateInfo = entry.putObject("stateInfo");
        stateInfo.put("state", "installed");
        stateInfo.set("manifest", pkg.manifestJson().deepCopy());
        return null;
      });
      service.log().append("startd: installed " + id + " " + pkg.version());
    } catch (RuntimeException e) {
      LOG.warn("install of {} failed: {}", id, e.getMessage());
      if (service != null) {
        service.shutdown();
      }
      // a cancelled first install leaves nothing, not even the volumes its init wrote
      removeLeftovers(id, true);
      if (progress.isCancelled()) {
        throw e;
      }
      throw new RpcException(
          ErrorKind.INSTALL_FAILED, "installing " + id + " failed: " + e.getMessage(), e);
    }
  }

  /** What an update swaps; everything else (volumes, logs) stays. */
  private static final List<String> PACKAGE_PARTS =
      List.of("package.s9pk", "javascript.squashfs", "assets.squashfs", "images", "image-meta");

  private void update(VerifiedPackage pkg, InstallProgress progress) {
    String id = pkg.id();
    Service old = tables.services().get(id);
    PackageLayout layout = settings.layout(id);
    JsonNode oldManifest =
        db.get(PackageData.pointer(id) + "/stateInfo/manifest").orElse(NODES.nullNode());
    boolean wasRunning = old.state() instanceof ServiceState.Running;
    progress.start("Unpacking");
    db.mutate(root -> {
      ObjectNode entry = PackageData.require(root, id);
      ObjectNode stateInfo = entry.putObject("stateInfo");
      stateInfo.put("state", "updating");
      stateInfo.set("manifest", oldManifest.deepCopy());
      stateInfo.put("s9pk", layout.s9pk().toString());
      ObjectNode info = stateInfo.putObject("installingInfo");
      info.set("newManifest", pkg.manifestJson().deepCopy());
      info.set("progress", progress.toJson());
      return null;
    });
    progress.listen(p -> publishProgress(id, p));
    Path staging = settings.dataDir().resolve("tmp").resolve("update-" + id);
    Path previous = settings.dataDir().resolve("tmp").resolve("previous-" + id);
    PackageLayout.deleteTree(staging);
    PackageLayout.deleteTree(previous);
    try {
      installer.unpack(pkg, new PackageLayout(staging), progress);
      progress.checkCancelled();
    } catch (RuntimeException e) {
      PackageLayout.deleteTree(staging);
      restoreInstalled(id, oldManifest);
      if (progress.isCancelled()) {
        throw e;
      }
      throw new RpcException(
          ErrorKind.INSTALL_FAILED, "updating " + id + " failed: " + e.getMessage(), e);
    }
    old.exit(NODES.textNode(pkg.version()));
    // swap everything but the volumes, keeping the old files until the new version committed
    movePartsTo(layout.dir(), previous);
    markComplete(previous);
    movePartsTo(staging, layout.dir());
    PackageLayout.deleteTree(staging);
    createVolumes(layout, pkg);
    progress.finish("Unpacking");
    progress.start("Initializing");
    try {
      progress.checkCancelled();
      old.boot(Optional.of("update"), Optional.of(progress));
      if (!progress.commit()) {
        old.shutdown();
        progress.checkCancelled();
      }
    } catch (RuntimeException e) {
      if (progress.isCancelled()) {
        rollBack(id, old, layout, previous, oldManifest, wasRunning);
        throw e;
      }
      PackageLayout.deleteTree(previous);
      restoreInstalled(id, pkg.manifestJson());
      throw new RpcException(
          ErrorKind.INSTALL_FAILED, "updating " + id + " failed: " + e.getMessage(), e);
    }
    PackageLayout.deleteTree(previous);
    db.mutate(root -> {
      fillEntry(PackageData.require(root, id), pkg, layout);
      return null;
    });
    restoreInstalled(id, pkg.manifestJson());
    old.log().append("startd: updated " + id + " to " + pkg.version());
    if (wasRunning) {
      old.startMain();
    }
  }

  /**
   * Undoes a cancelled update as StartOS does: the old files back in place, the old version
   * installed, its container booted (init with no kind) and main started if it ran before.
   */
  private void rollBack(
      String id,
      Service service,
      PackageLayout layout,
      Path previous,
      JsonNode oldManifest,
      boolean wasRunning) {
    service.shutdown();
    for (String part : PACKAGE_PARTS) {
      PackageLayout.deleteTree(layout.dir().resolve(part));
    }
    movePartsTo(previous, layout.dir());
    PackageLayout.deleteTree(previous);
    restoreInstalled(id, oldManifest);
    service.log().append("startd: update of " + id + " cancelled; back to the installed version");
    try {
      service.boot(Optional.empty());
      if (wasRunning) {
        service.startMain();
      }
    } catch (RuntimeException e) {
      LOG.warn("{} could not be brought back after a cancelled update: {}", id, e.getMessage());
    }
  }

  /** Written once every old part is in {@code previous}: from then on the package dir is new. */
  private static final String COMPLETE = ".complete";

  private static void markComplete(Path previous) {
    try {
      Files.writeString(previous.resolve(COMPLETE), "");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot mark " + previous + " complete", e);
    }
  }

  /**
   * An update a crash interrupted: the old version's files go back where they were (the new ones,
   * staged or swapped in, are dropped), its volumes stay, and it is installed again.
   */
  void undoInterruptedUpdate(String id, JsonNode entry) {
    PackageLayout layout = settings.layout(id);
    Path tmp = settings.dataDir().resolve("tmp");
    Path previous = tmp.resolve("previous-" + id);
    if (Files.isDirectory(previous)) {
      if (Files.exists(previous.resolve(COMPLETE))) {
        for (String part : PACKAGE_PARTS) {
          PackageLayout.deleteTree(layout.dir().resolve(part));
        }
      }
      // otherwise the crash came while moving the old parts out: the rest are still in place
      movePartsTo(previous, layout.dir());
    }
    PackageLayout.deleteTree(previous);
    PackageLayout.deleteTree(tmp.resolve("update-" + id));
    restoreInstalled(id, entry.path("stateInfo").path("manifest"));
  }

  private static void movePartsTo(Path from, Path to) {
    try {
      Files.createDirectories(to);
      for (String part : PACKAGE_PARTS) {
        Path source = from.resolve(part);
        if (Files.exists(source)) {
          PackageLayout.deleteTree(to.resolve(part));
          Files.move(source, to.resolve(part));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move package files from " + from + " to " + to, e);
    }
  }

  private void restoreInstalled(String id, JsonNode manifest) {
    db.mutate(root -> {
      ObjectNode entry = PackageData.require(root, id);
      ObjectNode stateInfo = entry.putObject("stateInfo");
      stateInfo.put("state", "installed");
      stateInfo.set("manifest", manifest.deepCopy());
      return null;
    });
  }

  private static void fillEntry(ObjectNode entry, VerifiedPackage pkg, PackageLayout layout) {
    entry.put("s9pk", layout.s9pk().toString());
    if (!entry.has("statusInfo")) {
      ObjectNode status = entry.putObject("statusInfo");
      status.putObject("health");
      status.putNull("error");
      status.putNull("started");
      status.putObject("desired").put("main", "stopped");
    }
    entry.putNull("registry");
    entry.put("developerKey", pkg.developerKey());
    entry.put("icon", pkg.icon());
    if (!entry.has("lastBackup")) {
      entry.putNull("lastBackup");
    }
    PackageData.object(entry, "currentDependencies");
    PackageData.object(entry, "actions");
    PackageData.object(entry, "tasks");
    PackageData.object(entry, "hosts");
    if (!entry.has("storeExposedDependents")) {
      entry.putArray("storeExposedDependents");
    }
    if (!entry.has("outboundGateway")) {
      entry.putNull("outboundGateway");
    }
  }

  private void createVolumes(PackageLayout layout, VerifiedPackage pkg) {
    try {
      Files.createDirectories(layout.volumes());
      int root = settings.rootUid(pkg.id());
      String owner = root + ":" + root;
      for (String volume : pkg.manifest().volumes()) {
        Path dir = layout.volumes().resolve(volume);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          // the volumes directory is the package's: never follow what it may have put there
          Files.createDirectory(dir);
          HostCommands.run(
              "hand volume " + volume + " to the container", "chown", "-h", owner, dir.toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the volumes of " + pkg.id(), e);
    }
  }

  private void publishProgress(String id, InstallProgress progress) {
    if (progress.isOver()) {
      return;
    }
    try {
      db.mutate(root -> {
        PackageData.entry(root, id)
            .ifPresent(entry -> {
              JsonNode info = entry.path("stateInfo").path("installingInfo");
              if (info instanceof ObjectNode o) {
                o.set("progress", progress.toJson());
              }
            });
        return null;
      });
    } catch (RuntimeException e) {
      LOG.debug("cannot publish install progress of {}: {}", id, e.getMessage());
    }
  }

  /**
   * Removes a package: runs its uninit, destroys its container, its forwards and ports, its files
   * and its database entry. {@code soft} keeps the volumes (and data version) for a reinstall.
   */
  void uninstall(String id, boolean soft, boolean force) {
    ReentrantLock lock = tables.lock(id);
    lock.lock();
    try {
      Service s = tables.services().get(id);
      if (s == null && db.get(PackageData.pointer(id)).isEmpty()) {
        throw new RpcException(ErrorKind.NOT_FOUND, "package " + id + " is not installed");
      }
      db.mutate(root -> {
        PackageData.entry(root, id)
            .ifPresent(entry -> {
              JsonNode manifest = PackageData.manifest(entry).orElse(NODES.nullNode());
              ObjectNode stateInfo = entry.putObject("stateInfo");
              stateInfo.put("state", "removing");
              stateInfo.set("manifest", manifest.deepCopy());
            });
        return null;
      });
      if (s != null) {
        try {
          s.exit(NODES.nullNode());
        } catch (RuntimeException e) {
          if (!force) {
            throw e;
          }
          s.shutdown();
        }
      }
      removeLeftovers(id, !soft);
    } finally {
      lock.unlock();
    }
  }

  /** Destroys the container and everything of {@code id} except, unless {@code all}, volumes. */
  void removeLeftovers(String id, boolean all) {
    Service s = tables.services().remove(id);
    if (s != null) {
      s.shutdown();
    }
    List<PortForward> ours = new ArrayList<>();
    Optional<Inet4Address> ip = backend.ip(id);
    ip.ifPresent(addr ->
        backend.forwards().stream().filter(f -> f.containerIp().equals(addr)).forEach(ours::add));
    ours.forEach(backend::unforward);
    try {
      backend.destroy(id);
      backend.releaseAddress(id);
    } catch (RuntimeException e) {
      LOG.warn("cannot destroy the container of {}: {}", id, e.getMessage());
    }
    db.mutate(root -> {
      PackageData.entry(root, id)
          .ifPresent(entry -> {
            PortAllocator ports = new PortAllocator(root);
            for (JsonNode h : entry.path("hosts")) {
              for (JsonNode b : h.path("bindings")) {
                JsonNode net = b.path("net");
                if (net.path("assignedPort").canConvertToInt()) {
                  ports.release(net.get("assignedPort").asInt());
                }
                if (net.path("assignedSslPort").canConvertToInt()) {
                  ports.release(net.get("assignedSslPort").asInt());
                }
              }
            }
          });
      PackageData.all(root).remove(id);
      CertStore.forget(root, id);
      return null;
    });
    PackageLayout layout = settings.layout(id);
    HostMounts.unmountAll(layout.dir());
    if (all) {
      PackageLayout.deleteTree(layout.dir());
      ServiceLog log = tables.logs().remove(id);
      if (log != null) {
        log.close();
      }
      PackageLayout.deleteTree(settings.logsDir(id));
    } else if (Files.isDirectory(layout.dir())) {
      try (var children = Files.list(layout.dir())) {
        for (Path child : children.toList()) {
          if (!child.equals(layout.volumes())) {
            PackageLayout.deleteTree(child);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot clean " + layout.dir(), e);
      }
    }
  }

  /** A sideload of {@code id} is uploading: from now on cancel-install can stop it. */
  void uploadStarted(String id, InstallProgress progress) {
    tables.installing().putIfAbsent(id, progress);
  }

  /** The upload of {@code id} ended without reaching the install. */
  void uploadEnded(String id, InstallProgress progress) {
    tables.installing().remove(id, progress);
  }

  /**
   * Stops the install or update of {@code id} in progress and returns once it has undone
   * everything: a first install leaves nothing behind, an update leaves the old version running as
   * before.
   */
  void cancelInstall(String id) {
    InstallProgress p = tables.installing().get(id);
    if (p == null) {
      throw new RpcException(ErrorKind.NOT_FOUND, "no install of " + id + " is in progress");
    }
    if (!p.cancel()) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST, "the install of " + id + " has already finished");
    }
    // the installing thread holds the package lock until it has cleaned up
    ReentrantLock lock = tables.lock(id);
    try {
      if (lock.tryLock(settings.stopTimeout().plusMinutes(2).toMillis(), TimeUnit.MILLISECONDS)) {
        lock.unlock();
      } else {
        throw new RpcException(
            ErrorKind.TIMEOUT, "the install of " + id + " is still cleaning up after the cancel");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcException(ErrorKind.CANCELLED, "interrupted while cancelling " + id);
    }
  }
}
