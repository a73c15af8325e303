package startos.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.install.InstallProgress;
import startos.install.Installer;
import startos.install.VerifiedPackage;
import startos.notification.Draft;
import startos.notification.NotificationLevel;
import startos.notification.Notifications;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * Installs packages: verifies an archive before anything is written, refuses a signer that would
 * take over another developer's data ({@link SignerCheck}), then runs a first install here or hands
 * an update to {@link PackageUpdate}; tracks sideloads while they upload and cancels an install or
 * update in progress. The entry's writes are {@link InstallEntries}', the disk and volumes {@link
 * PackageVolumes}', and what a failed or cancelled first install leaves is removed by {@link
 * PackageRemoval}.
 *
 * <p>Data safety: a first install that fails or is cancelled leaves nothing behind, except volumes
 * a soft uninstall recorded as kept; those become the install's only when it commits.
 *
 * <p>Lock discipline: an install holds the package's lock from {@link ServiceTables} from its
 * verification to its commit or cleanup ({@code tryLock}: a second change of the same package is
 * refused, not queued); helpers that run under it are named {@code …Locked} and check it. A cancel
 * flags the progress without the lock, then waits for the lock to know the cleanup is done. {@link
 * ServiceTables#installing} is a concurrent map read by cancels and sideloads without the lock.
 */
final class PackageInstalls {
  private static final Logger LOG = LoggerFactory.getLogger(PackageInstalls.class);

  private final ServiceSettings settings;
  private final Installer installer;
  private final Notifications notifications;
  private final ServiceTables tables;
  private final InstallEntries entries;
  private final SignerCheck signers;
  private final PackageUpdate updates;
  private final PackageRemoval removal;

  /** Creates (or returns) the service of a package, registered in {@code tables}. */
  private final Function<String, Service> serviceOf;

  PackageInstalls(
      ServiceSettings settings,
      Installer installer,
      Notifications notifications,
      ServiceTables tables,
      InstallEntries entries,
      PackageUpdate updates,
      PackageRemoval removal,
      Function<String, Service> serviceOf) {
    this.settings = settings;
    this.installer = installer;
    this.notifications = notifications;
    this.tables = tables;
    this.entries = entries;
    this.signers = new SignerCheck(installer, entries);
    this.updates = updates;
    this.removal = removal;
    this.serviceOf = serviceOf;
  }

  /** The directories every install writes to (the packages dir, private to startd's host). */
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
        signers.check(pkg, keyChange);
        progress.finish("Verifying");
        if (updating) {
          updates.updateLocked(pkg, progress);
        } else {
          firstInstallLocked(pkg, progress);
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
   * Refuses, before the long verification, an archive that would take over the data of a package
   * signed by another developer key (see {@link SignerCheck}).
   */
  void checkSigner(Path file, KeyChange keyChange) {
    signers.check(file, keyChange);
  }

  /**
   * Unpacks {@code pkg}, creates its disk and volumes and runs its init with kind {@code install};
   * the entry is {@code installed} only once the install committed.
   */
  private void firstInstallLocked(VerifiedPackage pkg, InstallProgress progress) {
    String id = pkg.id();
    tables.requireHeld(id);
    PackageLayout layout = settings.layout(id);
    // volumes nobody recorded as kept are a removal's remains: a new install does not inherit them
    removal.removeLeftoversLocked(id, true);
    progress.start("Unpacking");
    entries.markInstallingLocked(pkg, layout, progress);
    progress.listen(p -> entries.publishProgress(id, p));
    Service service = null;
    try {
      installer.unpack(pkg, layout, progress);
      PackageVolumes.create(layout, pkg, settings);
      progress.finish("Unpacking");
      progress.start("Initializing");
      service = serviceOf.apply(id);
      service.boot(Optional.of("install"), Optional.of(progress));
      if (!progress.commit()) {
        progress.checkCancelled();
      }
      entries.markInstalledLocked(pkg);
      service.log().append("startd: installed " + id + " " + pkg.version());
    } catch (RuntimeException e) {
      LOG.warn("install of {} failed: {}", id, e.getMessage());
      if (service != null) {
        service.shutdown();
      }
      // a failed or cancelled first install leaves nothing, not even the volumes its init wrote;
      // volumes a soft uninstall kept stay (removeLeftovers never deletes recorded ones)
      removal.removeLeftoversLocked(id, true);
      if (progress.isCancelled()) {
        throw e;
      }
      throw new RpcException(
          ErrorKind.INSTALL_FAILED, "installing " + id + " failed: " + e.getMessage(), e);
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
