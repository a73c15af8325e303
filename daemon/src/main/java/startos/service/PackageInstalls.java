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
import java.time.Instant;
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
import startos.effects.EffectsJson;
import startos.effects.EntryShape;
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
import startos.s9pk.merkle.VerifyingKey;
import startos.ssl.CertStore;

/**
 * Installs, updates and removes packages: a first install, an update that keeps the old version's
 * files aside until the new one committed, cancels of either, recovery from an update a crash
 * interrupted, and uninstall. Every change to a package holds its lock from {@link ServiceTables}.
 *
 * <p>Data safety: an update or a reinstall onto kept volumes must be signed by the developer key of
 * the package whose data it takes over ({@link KeyChange}); an update whose init fails rolls back
 * to the previous version; volumes a soft uninstall keeps are recorded in {@code
 * /private/keptVolumes/<id>} before anything is deleted, and nothing deletes a recorded volume (not
 * a crash mid-uninstall, not a failed or cancelled reinstall) until a reinstall commits.
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
  String install(Path file, InstallProgress progress, KeyChange keyChange) {
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
        checkSigner(pkg, keyChange);
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

  /**
   * Refuses a package whose signer differs from the one of the package whose data it would take
   * over (the installed version, or the volumes a soft uninstall kept), unless the user allowed the
   * change. The signer is checked by {@link Installer#verify}; the recorded key is startd's.
   */
  private void checkSigner(VerifiedPackage pkg, KeyChange keyChange) {
    checkSigner(pkg.id(), pkg.version(), pkg.developerKey(), keyChange);
  }

  /**
   * As {@link #checkSigner(VerifiedPackage, KeyChange)} for an archive whose signature is checked
   * but whose files are not hashed yet: a sideload answers its upload with the refusal, whole.
   */
  void checkSigner(Path file, KeyChange keyChange) {
    Installer.Signed signed;
    try {
      signed = installer.signed(file);
    } catch (RpcException e) {
      return; // not readable as an S9PK: the install's verification says so, as for any upload
    }
    checkSigner(signed.id(), signed.version(), signed.developerKey(), keyChange);
  }

  private void checkSigner(String id, String version, String developerKey, KeyChange keyChange) {
    Optional<JsonNode> installed = db.get(PackageData.pointer(id) + "/developerKey");
    Optional<JsonNode> kept = keptVolumes(id).map(k -> k.path("developerKey"));
    Optional<JsonNode> recorded = installed.or(() -> kept);
    if (recorded.isEmpty() || keyChange == KeyChange.ALLOW) {
      return;
    }
    String whose =
        installed.isPresent()
            ? "the installed " + id
            : "the " + id + " whose volumes were kept by a soft uninstall";
    String signer = fingerprint(developerKey).orElse("an unreadable key");
    Optional<String> trusted = fingerprint(recorded.get().asText(""));
    if (trusted.isPresent() && trusted.get().equals(signer)) {
      return;
    }
    throw new RpcException(
        ErrorKind.INVALID_SIGNATURE,
        "refusing "
            + id
            + " "
            + version
            + ": it is signed by developer key "
            + signer
            + ", but "
            + whose
            + " was signed by "
            + trusted.orElse("an unrecorded key")
            + "; another developer would take over its data. Install it only if you trust the new"
            + " signer, with --allow-key-change (start-cli package install) or allowKeyChange: true");
  }

  /** {@code ed25519:<hex of the public key>}, or empty when {@code pem} is not an Ed25519 key. */
  static Optional<String> fingerprint(String pem) {
    try {
      return Optional.of("ed25519:" + VerifyingKey.fromPem(pem).hex());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The record a soft uninstall of {@code id} left, while its volumes wait for a reinstall. */
  private Optional<JsonNode> keptVolumes(String id) {
    return db.get(KEPT + "/" + id).filter(JsonNode::isObject);
  }

  /** Where kept volumes are recorded: {@code {<id>: {developerKey, version, keptAt}}}. */
  static final String KEPT = "/private/keptVolumes";

  private void firstInstall(VerifiedPackage pkg, InstallProgress progress) {
    String id = pkg.id();
    PackageLayout layout = settings.layout(id);
    // volumes nobody recorded as kept are a removal's remains: a new install does not inherit them
    removeLeftovers(id, true);
    progress.start("Unpacking");
    db.mutate(root -> {
      ObjectNode entry = PackageData.all(root).putObject(id);
      // a reinstall onto kept volumes finds their data version where its init looks for it
      JsonNode keptVersion = root.at(KEPT + "/" + id + "/dataVersion");
      if (!keptVersion.isMissingNode()) {
        EntryShape.dataVersions(root).set(id, keptVersion.deepCopy());
      }
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
        // the kept volumes belong to this install now; an uninstall decides their fate again
        if (root.at(KEPT) instanceof ObjectNode kept) {
          kept.remove(id);
        }
        return null;
      });
      service.log().append("startd: installed " + id + " " + pkg.version());
    } catch (RuntimeException e) {
      LOG.warn("install of {} failed: {}", id, e.getMessage());
      if (service != null) {
        service.shutdown();
      }
      // a failed or cancelled first install leaves nothing, not even the volumes its init wrote;
      // volumes a soft uninstall kept stay (removeLeftovers never deletes recorded ones)
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
    boolean wasRunning = old.state().mainRunning();
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
    try {
      // the new init may record its data version: a rollback (or a crash) restores the old one
      saveDataVersion(id, previous);
      // swap everything but the volumes, keeping the old files until the new version committed
      movePartsTo(layout.dir(), previous);
      markComplete(previous);
      movePartsTo(staging, layout.dir());
      PackageLayout.deleteTree(staging);
      createVolumes(layout, pkg);
      progress.finish("Unpacking");
      progress.start("Initializing");
      progress.checkCancelled();
      old.boot(Optional.of("update"), Optional.of(progress));
      if (!progress.commit()) {
        old.shutdown();
        progress.checkCancelled();
      }
    } catch (RuntimeException e) {
      PackageLayout.deleteTree(staging);
      String oldVersion = oldManifest.path("version").asText("the previous version");
      Optional<String> back = rollBack(id, old, layout, previous, oldManifest, wasRunning);
      if (progress.isCancelled()) {
        throw e;
      }
      // an init that failed (not a cancel): the previous version is back, and the user is told why
      // (what happened first: a progress stream's close reason keeps only 123 bytes)
      String why =
          "Update of "
              + id
              + " to "
              + pkg.version()
              + " failed; rolled back to "
              + oldVersion
              + back.map(b -> " (which did not come back up: " + b + ")").orElse("")
              + ": "
              + e.getMessage();
      old.log().append("startd: " + why);
      throw new RpcException(ErrorKind.UPDATE_FAILED, why, e);
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
   * Undoes a cancelled or failed update as StartOS undoes a cancel: the old files back in place
   * (wherever the swap stopped), the old version installed, its container booted (init with no
   * kind) and main started if it ran before. Returns why it did not come back up, if it did not.
   */
  private Optional<String> rollBack(
      String id,
      Service service,
      PackageLayout layout,
      Path previous,
      JsonNode oldManifest,
      boolean wasRunning) {
    service.shutdown();
    Optional<JsonNode> dataVersion = restorePrevious(layout, previous);
    restoreInstalled(id, oldManifest, dataVersion);
    service.log().append("startd: update of " + id + " undone; back to the installed version");
    try {
      service.boot(Optional.empty());
      if (wasRunning) {
        service.startMain();
      }
      return Optional.empty();
    } catch (RuntimeException e) {
      LOG.warn("{} could not be brought back after an undone update: {}", id, e.getMessage());
      return Optional.of(String.valueOf(e.getMessage()));
    }
  }

  /**
   * Puts the old version's files from {@code previous} back into the package dir: once all of them
   * were moved aside ({@link #COMPLETE}) the parts in place are the new version's and go; before
   * that, the parts not moved yet are still the old ones.
   */
  private static Optional<JsonNode> restorePrevious(PackageLayout layout, Path previous) {
    Optional<JsonNode> dataVersion = Optional.empty();
    if (Files.isDirectory(previous)) {
      dataVersion = savedDataVersion(previous);
      if (Files.exists(previous.resolve(COMPLETE))) {
        for (String part : PACKAGE_PARTS) {
          PackageLayout.deleteTree(layout.dir().resolve(part));
        }
      }
      movePartsTo(previous, layout.dir());
    }
    PackageLayout.deleteTree(previous);
    return dataVersion;
  }

  /**
   * The old version's data version as the entry held it before an update: {@code {dataVersion?}}.
   */
  private static final String DATA_VERSION = "data-version.json";

  private void saveDataVersion(String id, Path previous) {
    ObjectNode saved = NODES.objectNode();
    db.get(EntryShape.DATA_VERSIONS + "/" + id).ifPresent(v -> saved.set("dataVersion", v));
    try {
      Files.createDirectories(previous);
      Files.writeString(previous.resolve(DATA_VERSION), saved.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the data version of " + id, e);
    }
  }

  /** What {@link #saveDataVersion} kept, if it got as far (a host-only dir: trusted). */
  private static Optional<JsonNode> savedDataVersion(Path previous) {
    try {
      return Optional.of(
              EffectsJson.MAPPER.readTree(Files.readString(previous.resolve(DATA_VERSION))))
          .filter(JsonNode::isObject);
    } catch (IOException e) {
      return Optional.empty();
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
    Optional<JsonNode> dataVersion = restorePrevious(layout, tmp.resolve("previous-" + id));
    PackageLayout.deleteTree(tmp.resolve("update-" + id));
    restoreInstalled(id, entry.path("stateInfo").path("manifest"), dataVersion);
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
    restoreInstalled(id, manifest, Optional.empty());
  }

  /**
   * As installed with {@code manifest}; {@code saved} (from {@link #saveDataVersion}) comes back.
   */
  private void restoreInstalled(String id, JsonNode manifest, Optional<JsonNode> saved) {
    db.mutate(root -> {
      ObjectNode entry = PackageData.require(root, id);
      ObjectNode stateInfo = entry.putObject("stateInfo");
      stateInfo.put("state", "installed");
      stateInfo.set("manifest", manifest.deepCopy());
      saved.ifPresent(s -> {
        if (s.has("dataVersion")) {
          EntryShape.dataVersions(root).set(id, s.get("dataVersion").deepCopy());
        } else {
          EntryShape.dataVersions(root).remove(id);
        }
      });
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
    if (!entry.has("plugin")) {
      entry.set("plugin", EntryShape.plugin());
    }
  }

  /**
   * The package's disk and its volumes. A new install gets a disk of {@link
   * ServiceSettings#maxVolumeBytes}; an install from before per-package disks (its volumes a plain
   * directory, maybe kept by a soft uninstall) keeps its directories, uncapped, until it is
   * uninstalled for good.
   */
  private void createVolumes(PackageLayout layout, VerifiedPackage pkg) {
    boolean legacy = Files.isDirectory(layout.dir().resolve("volumes"), LinkOption.NOFOLLOW_LINKS);
    if (!PackageDisk.exists(layout) && !legacy && settings.maxVolumeBytes() > 0) {
      PackageDisk.create(layout, pkg.id(), settings.maxVolumeBytes());
    }
    PackageDisk.mount(layout, pkg.id());
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
      // durably, before anything is deleted: a soft uninstall's volumes are kept whatever happens
      // next (a crash, a failed reinstall) until a reinstall of the same signer's package commits
      db.mutate(root -> {
        PackageData.entry(root, id)
            .ifPresent(entry -> {
              JsonNode manifest = PackageData.manifest(entry).orElse(NODES.nullNode());
              ObjectNode stateInfo = entry.putObject("stateInfo");
              stateInfo.put("state", "removing");
              stateInfo.set("manifest", manifest.deepCopy());
              if (soft) {
                ObjectNode kept =
                    PackageData.object(PackageData.object(root, "private"), "keptVolumes")
                        .putObject(id);
                kept.set("developerKey", entry.path("developerKey").deepCopy());
                kept.set("version", manifest.path("version").deepCopy());
                // the data version goes with the entry: it belongs with the volumes
                JsonNode dataVersion = EntryShape.dataVersions(root).get(id);
                if (dataVersion != null) {
                  kept.set("dataVersion", dataVersion.deepCopy());
                }
                kept.put("keptAt", Instant.now().toString());
              }
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

  /**
   * Destroys the container and everything of {@code id} except, unless {@code all}, volumes.
   * Volumes recorded as kept by a soft uninstall stay even when {@code all}.
   */
  void removeLeftovers(String id, boolean all) {
    boolean keepVolumes = !all || keptVolumes(id).isPresent();
    Service s = tables.services().remove(id);
    if (s != null) {
      s.shutdown();
    }
    List<PortForward> ours = new ArrayList<>();
    Optional<Inet4Address> ip = backend.ip(id);
    ip.ifPresent(addr ->
        backend.forwards().stream().filter(f -> f.containerIp().equals(addr)).forEach(ours::add));
    ours.forEach(backend::unforward);
    boolean containerGone = true;
    try {
      backend.destroy(id);
      backend.releaseAddress(id);
    } catch (RuntimeException e) {
      containerGone = false;
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
      EntryShape.dataVersions(root).remove(id);
      CertStore.forget(root, id);
      return null;
    });
    PackageLayout layout = settings.layout(id);
    PackageMounts.unmountAll(layout.dir());
    if (!keepVolumes) {
      PackageLayout.deleteTree(layout.dir());
      ServiceLog log = tables.logs().remove(id);
      if (log != null) {
        log.close();
      }
      PackageLayout.deleteTree(settings.logsDir(id));
      if (containerGone) {
        // no file owned by the range is left (the package dir and the container's own files are
        // gone), so another package may have it. Kept volumes keep theirs: their files carry the
        // range's ids, and the reinstall finds the range still allocated to the id
        settings.idRanges().release(id);
      }
    } else if (Files.isDirectory(layout.dir())) {
      try (var children = Files.list(layout.dir())) {
        for (Path child : children.toList()) {
          if (!layout.kept().contains(child)) {
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
