package startos.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.install.InstallProgress;
import startos.install.VerifiedPackage;
import startos.model.BindInfo;
import startos.model.Database;
import startos.model.DbTx;
import startos.model.Host;
import startos.model.InstallingInfo;
import startos.model.KeptVolumes;
import startos.model.ModelJson;
import startos.model.PackageDataEntry;
import startos.model.PackageState;
import startos.model.Slots;
import startos.ssl.CertStore;

/**
 * The database writes of installs, updates and removals: a package's entry through {@code
 * installing}, {@code updating}, {@code installed} and {@code removing} ({@code stateInfo}, the
 * install progress, the fields an install fills), the data version an update may roll back, and the
 * record of volumes a soft uninstall kept ({@link Slots#KEPT_VOLUMES}).
 *
 * <p>Lock discipline: every write but {@link #publishProgress} is made while the thread holds the
 * package's lock from {@link ServiceTables}; those methods are named {@code …Locked} and throw when
 * it is not held. {@link #publishProgress} runs on whichever thread advances the progress and only
 * touches the progress of an entry that is still installing. Reads take no lock: each is one
 * snapshot of the database.
 */
final class InstallEntries {
  private static final Logger LOG = LoggerFactory.getLogger(InstallEntries.class);

  private final Database db;
  private final ServiceTables tables;

  InstallEntries(Database db, ServiceTables tables) {
    this.db = db;
    this.tables = tables;
  }

  /**
   * The manifest of the version an entry is about: the installed one (kept while it is updated or
   * removed), else the one being installed or restored.
   */
  static Optional<JsonNode> manifestOf(PackageState state) {
    JsonNode manifest =
        switch (state) {
          case PackageState.Installed i -> i.manifest();
          case PackageState.Removing r -> r.manifest();
          case PackageState.Updating u ->
              u.manifest() == null || u.manifest().isNull()
                  ? u.installingInfo().newManifest()
                  : u.manifest();
          case PackageState.Installing i -> i.installingInfo().newManifest();
          case PackageState.Restoring r -> r.installingInfo().newManifest();
        };
    return Optional.ofNullable(manifest).filter(m -> !m.isNull());
  }

  // ---- reads ----

  /** Whether {@code id} has an entry at all (in whatever state). */
  boolean exists(String id) {
    return db.packageEntry(id).isPresent();
  }

  /** The developer key recorded for the installed {@code id}. */
  Optional<String> developerKey(String id) {
    return db.packageEntry(id).map(PackageDataEntry::developerKey);
  }

  /** The manifest of the installed version of {@code id}, or JSON null. */
  JsonNode installedManifest(String id) {
    return db.packageEntry(id)
        .flatMap(e -> manifestOf(e.stateInfo()))
        .orElse(NullNode.getInstance());
  }

  /** The record a soft uninstall of {@code id} left, while its volumes wait for a reinstall. */
  Optional<KeptVolumes> keptVolumes(String id) {
    return Optional.ofNullable(db.read(Slots.KEPT_VOLUMES).get(id));
  }

  /** The data version {@code id} recorded ({@code set-data-version}), if it did. */
  Optional<String> dataVersion(String id) {
    return Optional.ofNullable(db.read(Slots.DATA_VERSIONS).get(id));
  }

  // ---- install ----

  /** A first install begins: the entry is {@code installing} {@code pkg} with its progress. */
  void markInstallingLocked(VerifiedPackage pkg, PackageLayout layout, InstallProgress progress) {
    String id = pkg.id();
    tables.requireHeld(id);
    db.mutate(tx -> {
      // a reinstall onto kept volumes finds their data version where its init looks for it
      Optional.ofNullable(tx.get(Slots.KEPT_VOLUMES).get(id))
          .flatMap(KeptVolumes::dataVersion)
          .ifPresent(v -> tx.update(Slots.DATA_VERSIONS, m -> ModelJson.with(m, id, v)));
      PackageState installing =
          new PackageState.Installing(
              new InstallingInfo(pkg.manifestJson().deepCopy(), progress.toJson()));
      tx.putPackage(
          id,
          PackageDataEntry.fresh(
              installing, layout.s9pk().toString(), pkg.developerKey(), pkg.icon()));
      return null;
    });
  }

  /** A first install committed: {@code installed}; kept volumes are this install's now. */
  void markInstalledLocked(VerifiedPackage pkg) {
    String id = pkg.id();
    tables.requireHeld(id);
    db.mutate(tx -> {
      PackageDataEntry entry = tx.requirePackage(id);
      tx.putPackage(
          id, entry.withStateInfo(new PackageState.Installed(pkg.manifestJson().deepCopy())));
      // the kept volumes belong to this install now; an uninstall decides their fate again
      if (tx.get(Slots.KEPT_VOLUMES).containsKey(id)) {
        tx.update(Slots.KEPT_VOLUMES, m -> ModelJson.without(m, id));
      }
      return null;
    });
  }

  /** Install progress into the entry while it installs or updates; any thread, never throws. */
  void publishProgress(String id, InstallProgress progress) {
    if (progress.isOver()) {
      return;
    }
    try {
      db.updatePackage(id, e -> e.withStateInfo(withProgress(e.stateInfo(), progress.toJson())));
    } catch (RuntimeException e) {
      LOG.debug("cannot publish install progress of {}: {}", id, e.getMessage());
    }
  }

  private static PackageState withProgress(PackageState state, JsonNode progress) {
    return switch (state) {
      case PackageState.Installing i ->
          new PackageState.Installing(i.installingInfo().withProgress(progress));
      case PackageState.Restoring r ->
          new PackageState.Restoring(r.installingInfo().withProgress(progress));
      case PackageState.Updating u ->
          new PackageState.Updating(
              u.manifest(), u.s9pk(), u.installingInfo().withProgress(progress));
      case PackageState.Installed i -> i;
      case PackageState.Removing r -> r;
    };
  }

  // ---- update ----

  /** An update begins: {@code updating} from {@code oldManifest} to {@code pkg}. */
  void markUpdatingLocked(
      VerifiedPackage pkg, JsonNode oldManifest, PackageLayout layout, InstallProgress progress) {
    String id = pkg.id();
    tables.requireHeld(id);
    PackageState updating =
        new PackageState.Updating(
            oldManifest.deepCopy(),
            layout.s9pk().toString(),
            new InstallingInfo(pkg.manifestJson().deepCopy(), progress.toJson()));
    db.mutate(tx -> {
      tx.putPackage(id, tx.requirePackage(id).withStateInfo(updating));
      return null;
    });
  }

  /** An update committed: the archive, signer and icon in the entry are {@code pkg}'s. */
  void refillLocked(VerifiedPackage pkg, PackageLayout layout) {
    tables.requireHeld(pkg.id());
    db.mutate(tx -> {
      tx.putPackage(
          pkg.id(),
          tx.requirePackage(pkg.id())
              .withS9pk(layout.s9pk().toString())
              .withDeveloperKey(pkg.developerKey())
              .withIcon(pkg.icon()));
      return null;
    });
  }

  /** {@code installed} with {@code manifest}; the recorded data version stays as it is. */
  void restoreInstalledLocked(String id, JsonNode manifest) {
    tables.requireHeld(id);
    db.mutate(tx -> {
      installedLocked(tx, id, manifest);
      return null;
    });
  }

  /**
   * {@code installed} with {@code manifest}, and the data version back to {@code dataVersion} (as
   * an update found it: none when the package had not set one).
   */
  void restoreInstalledLocked(String id, JsonNode manifest, Optional<String> dataVersion) {
    tables.requireHeld(id);
    db.mutate(tx -> {
      installedLocked(tx, id, manifest);
      tx.update(
          Slots.DATA_VERSIONS,
          m -> dataVersion.map(v -> ModelJson.with(m, id, v)).orElse(ModelJson.without(m, id)));
      return null;
    });
  }

  private static void installedLocked(DbTx tx, String id, JsonNode manifest) {
    tx.putPackage(
        id, tx.requirePackage(id).withStateInfo(new PackageState.Installed(manifest.deepCopy())));
  }

  // ---- removal ----

  /**
   * A removal begins: {@code removing}; {@code soft} records the volumes (with the signer and data
   * version that go with them) as kept, durably, before anything is deleted.
   */
  void markRemovingLocked(String id, boolean soft) {
    tables.requireHeld(id);
    db.mutate(tx -> {
      tx.packageEntry(id)
          .ifPresent(entry -> {
            JsonNode manifest = manifestOf(entry.stateInfo()).orElse(NullNode.getInstance());
            tx.putPackage(id, entry.withStateInfo(new PackageState.Removing(manifest)));
            if (soft) {
              KeptVolumes kept =
                  new KeptVolumes(
                      entry.developerKey(),
                      manifest.path("version").asText(""),
                      // the data version goes with the entry: it belongs with the volumes
                      Optional.ofNullable(tx.get(Slots.DATA_VERSIONS).get(id)),
                      Instant.now());
              tx.update(Slots.KEPT_VOLUMES, m -> ModelJson.with(m, id, kept));
            }
          });
      return null;
    });
  }

  /** The entry, its data version and certificates are gone; its ports are free again. */
  void forgetLocked(String id) {
    tables.requireHeld(id);
    db.mutate(tx -> {
      tx.packageEntry(id)
          .ifPresent(entry -> tx.update(Slots.AVAILABLE_PORTS, taken -> released(taken, entry)));
      tx.removePackage(id);
      if (tx.get(Slots.DATA_VERSIONS).containsKey(id)) {
        tx.update(Slots.DATA_VERSIONS, m -> ModelJson.without(m, id));
      }
      JsonNode certs = tx.get(Slots.LOCAL_CERTS);
      if (!certs.isNull()) {
        tx.set(Slots.LOCAL_CERTS, CertStore.withoutLeavesOf(certs, id));
      }
      return null;
    });
  }

  /** {@code taken} (external port to TLS) without the ports {@code entry}'s bindings got. */
  private static Map<String, Boolean> released(Map<String, Boolean> taken, PackageDataEntry entry) {
    Map<String, Boolean> left = taken;
    for (Host host : entry.hosts().values()) {
      for (BindInfo binding : host.bindings().values()) {
        if (binding.net() == null) {
          continue;
        }
        for (Optional<Integer> port :
            List.of(binding.net().assignedPort(), binding.net().assignedSslPort())) {
          if (port.isPresent()) {
            left = ModelJson.without(left, Integer.toString(port.get()));
          }
        }
      }
    }
    return left;
  }
}
