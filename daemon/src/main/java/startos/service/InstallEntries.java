package startos.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.effects.EntryShape;
import startos.effects.PackageData;
import startos.effects.PortAllocator;
import startos.install.InstallProgress;
import startos.install.VerifiedPackage;
import startos.patchdb.PatchDb;
import startos.ssl.CertStore;

/**
 * The database writes of installs, updates and removals: a package's entry through {@code
 * installing}, {@code updating}, {@code installed} and {@code removing} ({@code stateInfo}, the
 * install progress, the fields an install fills), the data version an update may roll back, and the
 * record of volumes a soft uninstall kept ({@link #KEPT}).
 *
 * <p>Lock discipline: every write but {@link #publishProgress} is made while the thread holds the
 * package's lock from {@link ServiceTables}; those methods are named {@code …Locked} and throw when
 * it is not held. {@link #publishProgress} runs on whichever thread advances the progress and only
 * touches the progress of an entry that is still installing. Reads take no lock: each is one
 * snapshot of the database.
 */
final class InstallEntries {
  private static final Logger LOG = LoggerFactory.getLogger(InstallEntries.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /**
   * Where kept volumes are recorded: {@code {<id>: {developerKey, version, dataVersion?, keptAt}}}.
   */
  static final String KEPT = "/private/keptVolumes";

  private final PatchDb db;
  private final ServiceTables tables;

  InstallEntries(PatchDb db, ServiceTables tables) {
    this.db = db;
    this.tables = tables;
  }

  // ---- reads ----

  /** Whether {@code id} has an entry at all (in whatever state). */
  boolean exists(String id) {
    return db.get(PackageData.pointer(id)).isPresent();
  }

  /** The developer key recorded for the installed {@code id}. */
  Optional<JsonNode> developerKey(String id) {
    return db.get(PackageData.pointer(id) + "/developerKey");
  }

  /** The manifest of the installed version of {@code id}, or JSON null. */
  JsonNode installedManifest(String id) {
    return db.get(PackageData.pointer(id) + "/stateInfo/manifest").orElse(NODES.nullNode());
  }

  /** The record a soft uninstall of {@code id} left, while its volumes wait for a reinstall. */
  Optional<JsonNode> keptVolumes(String id) {
    return db.get(KEPT + "/" + id).filter(JsonNode::isObject);
  }

  /**
   * What an update keeps to roll the data version back: {@code {dataVersion?}}, the field absent
   * when the package never set one.
   */
  ObjectNode savedDataVersion(String id) {
    ObjectNode saved = NODES.objectNode();
    db.get(EntryShape.DATA_VERSIONS + "/" + id).ifPresent(v -> saved.set("dataVersion", v));
    return saved;
  }

  // ---- install ----

  /** A first install begins: the entry is {@code installing} {@code pkg} with its progress. */
  void markInstallingLocked(VerifiedPackage pkg, PackageLayout layout, InstallProgress progress) {
    String id = pkg.id();
    tables.requireHeld(id);
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
  }

  /** A first install committed: {@code installed}; kept volumes are this install's now. */
  void markInstalledLocked(VerifiedPackage pkg) {
    String id = pkg.id();
    tables.requireHeld(id);
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
  }

  /** Install progress into the entry while it installs or updates; any thread, never throws. */
  void publishProgress(String id, InstallProgress progress) {
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

  // ---- update ----

  /** An update begins: {@code updating} from {@code oldManifest} to {@code pkg}. */
  void markUpdatingLocked(
      VerifiedPackage pkg, JsonNode oldManifest, PackageLayout layout, InstallProgress progress) {
    String id = pkg.id();
    tables.requireHeld(id);
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
  }

  /** An update committed: the fields an install fills are {@code pkg}'s. */
  void refillLocked(VerifiedPackage pkg, PackageLayout layout) {
    tables.requireHeld(pkg.id());
    db.mutate(root -> {
      fillEntry(PackageData.require(root, pkg.id()), pkg, layout);
      return null;
    });
  }

  /**
   * {@code installed} with {@code manifest}; {@code saved} (from {@link #savedDataVersion}) comes
   * back when present.
   */
  void restoreInstalledLocked(String id, JsonNode manifest, Optional<JsonNode> saved) {
    tables.requireHeld(id);
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

  // ---- removal ----

  /**
   * A removal begins: {@code removing}; {@code soft} records the volumes (with the signer and data
   * version that go with them) as kept, durably, before anything is deleted.
   */
  void markRemovingLocked(String id, boolean soft) {
    tables.requireHeld(id);
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
  }

  /** The entry, its data version and certificates are gone; its ports are free again. */
  void forgetLocked(String id) {
    tables.requireHeld(id);
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
}
