package startos.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.effects.EffectsJson;
import startos.install.InstallProgress;
import startos.install.Installer;
import startos.install.VerifiedPackage;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * Updates an installed package: the new version is unpacked beside the old one, the old version's
 * files are moved aside ({@code tmp/previous-<id>}) and kept until the new version's init
 * committed; a cancel or a failed init rolls back to the old version (files, data version, running
 * or not), and an update a crash interrupted is undone at the next boot the same way. Volumes stay
 * throughout.
 *
 * <p>Lock discipline: the update runs under the package's lock from {@link ServiceTables} ({@link
 * #updateLocked} checks it; {@link #undoInterrupted} takes it); the service's own lock is taken
 * after it by the service's operations. Blocking (unpack, init, uninit).
 */
final class PackageUpdate {
  private static final Logger LOG = LoggerFactory.getLogger(PackageUpdate.class);

  /** What an update swaps; everything else (volumes, logs) stays. */
  private static final List<String> PACKAGE_PARTS =
      List.of("package.s9pk", "javascript.squashfs", "assets.squashfs", "images", "image-meta");

  /**
   * The old version's data version as the entry held it before an update: {@code {dataVersion?}}.
   */
  private static final String DATA_VERSION = "data-version.json";

  /** The one field of {@link #DATA_VERSION} (a host file of startd's own, not the database). */
  private static final String SAVED_FIELD = "dataVersion";

  /** Written once every old part is in {@code previous}: from then on the package dir is new. */
  private static final String COMPLETE = ".complete";

  private final ServiceSettings settings;
  private final Installer installer;
  private final InstallEntries entries;
  private final ServiceTables tables;

  PackageUpdate(
      ServiceSettings settings, Installer installer, InstallEntries entries, ServiceTables tables) {
    this.settings = settings;
    this.installer = installer;
    this.entries = entries;
    this.tables = tables;
  }

  /**
   * Updates the installed package to the verified {@code pkg}; on a cancel or a failed init the old
   * version is back as it was (and running if it ran) before this throws.
   */
  void updateLocked(VerifiedPackage pkg, InstallProgress progress) {
    String id = pkg.id();
    tables.requireHeld(id);
    Service old = tables.services().get(id);
    PackageLayout layout = settings.layout(id);
    JsonNode oldManifest = entries.installedManifest(id);
    boolean wasRunning = old.state().mainRunning();
    progress.start("Unpacking");
    entries.markUpdatingLocked(pkg, oldManifest, layout, progress);
    progress.listen(p -> entries.publishProgress(id, p));
    Path staging = settings.dataDir().resolve("tmp").resolve("update-" + id);
    Path previous = settings.dataDir().resolve("tmp").resolve("previous-" + id);
    PackageLayout.deleteTree(staging);
    PackageLayout.deleteTree(previous);
    try {
      installer.unpack(pkg, new PackageLayout(staging), progress);
      progress.checkCancelled();
    } catch (RuntimeException e) {
      PackageLayout.deleteTree(staging);
      entries.restoreInstalledLocked(id, oldManifest);
      if (progress.isCancelled()) {
        throw e;
      }
      throw new RpcException(
          ErrorKind.INSTALL_FAILED, "updating " + id + " failed: " + e.getMessage(), e);
    }
    old.exit(TextNode.valueOf(pkg.version()));
    try {
      // the new init may record its data version: a rollback (or a crash) restores the old one
      saveDataVersion(id, previous);
      // swap everything but the volumes, keeping the old files until the new version committed
      movePartsTo(layout.dir(), previous);
      markComplete(previous);
      movePartsTo(staging, layout.dir());
      PackageLayout.deleteTree(staging);
      PackageVolumes.create(layout, pkg, settings);
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
      Optional<String> back = rollBackLocked(id, old, layout, previous, oldManifest, wasRunning);
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
    entries.refillLocked(pkg, layout);
    entries.restoreInstalledLocked(id, pkg.manifestJson());
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
  private Optional<String> rollBackLocked(
      String id,
      Service service,
      PackageLayout layout,
      Path previous,
      JsonNode oldManifest,
      boolean wasRunning) {
    service.shutdown();
    restoreInstalledLocked(id, oldManifest, restorePrevious(layout, previous));
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
   * An update a crash interrupted (startd's boot, before any container starts): the old version's
   * files go back where they were (the new ones, staged or swapped in, are dropped), its volumes
   * stay, and it is installed again with {@code manifest}, the one its entry kept.
   */
  void undoInterrupted(String id, JsonNode manifest) {
    ReentrantLock lock = tables.lock(id);
    lock.lock();
    try {
      PackageLayout layout = settings.layout(id);
      Path tmp = settings.dataDir().resolve("tmp");
      Optional<Saved> saved = restorePrevious(layout, tmp.resolve("previous-" + id));
      PackageLayout.deleteTree(tmp.resolve("update-" + id));
      restoreInstalledLocked(id, manifest, saved);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Puts the old version's files from {@code previous} back into the package dir: once all of them
   * were moved aside ({@link #COMPLETE}) the parts in place are the new version's and go; before
   * that, the parts not moved yet are still the old ones.
   */
  private static Optional<Saved> restorePrevious(PackageLayout layout, Path previous) {
    Optional<Saved> dataVersion = Optional.empty();
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

  /** The installed version, with the data version {@code saved} kept (when it got as far). */
  private void restoreInstalledLocked(String id, JsonNode manifest, Optional<Saved> saved) {
    saved.ifPresentOrElse(
        s -> entries.restoreInstalledLocked(id, manifest, s.dataVersion()),
        () -> entries.restoreInstalledLocked(id, manifest));
  }

  /** What {@link #DATA_VERSION} holds: the data version before the update; empty: none was set. */
  private record Saved(Optional<String> dataVersion) {}

  private void saveDataVersion(String id, Path previous) {
    ObjectNode saved = JsonNodeFactory.instance.objectNode();
    entries.dataVersion(id).ifPresent(v -> saved.put(SAVED_FIELD, v));
    try {
      Files.createDirectories(previous);
      Files.writeString(previous.resolve(DATA_VERSION), saved.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the data version of " + id, e);
    }
  }

  /** What {@link #saveDataVersion} kept, if it got as far (a host-only dir: trusted). */
  private static Optional<Saved> savedDataVersion(Path previous) {
    try {
      JsonNode saved =
          EffectsJson.MAPPER.readTree(Files.readString(previous.resolve(DATA_VERSION)));
      if (!saved.isObject()) {
        return Optional.empty();
      }
      JsonNode version = saved.path(SAVED_FIELD);
      return Optional.of(
          new Saved(version.isTextual() ? Optional.of(version.asText()) : Optional.empty()));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static void markComplete(Path previous) {
    try {
      Files.writeString(previous.resolve(COMPLETE), "");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot mark " + previous + " complete", e);
    }
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
}
