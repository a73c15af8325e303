package startos.effects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.hostfs.SafeTree;
import startos.model.Database;
import startos.model.ModelJson;
import startos.model.Slots;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * The data version a package records for its migrations ({@code set-data-version}), kept in the
 * private database ({@code /private/dataVersions/<id>}): StartOS keeps it out of the public entry
 * too (a file beside the volumes). Never a file the package can reach: a symlink planted there
 * would let the host read or write any file as root.
 *
 * <p>Earlier versions kept it in {@code volumes/.version}; such a file is adopted once, while the
 * database has no data version of the package yet, without following anything the package controls.
 * Thread-safe.
 */
final class DataVersions {
  private static final Logger LOG = LoggerFactory.getLogger(DataVersions.class);
  static final String LEGACY_FILE = ".version";

  /** A data version is an exver string; anything longer was not written by us. */
  static final int LEGACY_MAX_BYTES = 256;

  private final Database db;
  private final Function<String, Path> volumesDir;

  /**
   * @param volumesDir a package's volumes directory; it must sit in a directory only the host
   *     writes (the legacy file is moved there before it is looked at)
   */
  DataVersions(Database db, Function<String, Path> volumesDir) {
    this.db = db;
    this.volumesDir = volumesDir;
  }

  Optional<String> read(String packageId) {
    if (db.packageEntry(packageId).isEmpty()) {
      throw new RpcException(ErrorKind.NOT_FOUND, "package " + packageId + " is not installed");
    }
    Map<String, String> versions = db.read(Slots.DATA_VERSIONS);
    // a key with no version (JSON null) is a package that recorded none: nothing to adopt
    if (!versions.containsKey(packageId)) {
      Optional<String> legacy = adoptLegacy(packageId);
      write(packageId, legacy);
      return legacy;
    }
    return Optional.ofNullable(versions.get(packageId));
  }

  void write(String packageId, Optional<String> version) {
    db.mutate(tx -> {
      tx.requirePackage(packageId);
      tx.update(Slots.DATA_VERSIONS, v -> ModelJson.with(v, packageId, version.orElse(null)));
      return null;
    });
    // a left-over legacy file must not come back once the database holds the truth
    adoptLegacy(packageId);
  }

  /**
   * Takes {@code volumes/.version} away from the package and reads it when it is a small regular
   * file. The volumes directory is the package's (trusted: only its parent), so the entry is first
   * renamed into the host-only parent: a rename moves a symlink or FIFO as itself, and once there
   * nothing can swap it between the check and the read.
   */
  private Optional<String> adoptLegacy(String packageId) {
    Path volumes = volumesDir.apply(packageId);
    Path legacy = volumes.resolve(LEGACY_FILE);
    if (!Files.exists(legacy, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    Path held = volumes.resolveSibling("legacy-data-version");
    try {
      SafeTree.delete(held);
      Files.move(legacy, held, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("{}: cannot take the legacy data version file away: {}", packageId, e.getMessage());
      return Optional.empty();
    }
    try {
      BasicFileAttributes a =
          Files.readAttributes(held, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile() || a.size() > LEGACY_MAX_BYTES) {
        LOG.warn("{}: ignoring a legacy data version that is not a small file", packageId);
        return Optional.empty();
      }
      String text = Files.readString(held, StandardCharsets.UTF_8).strip();
      return text.isEmpty() || text.contains("\n") ? Optional.empty() : Optional.of(text);
    } catch (IOException e) {
      LOG.warn("{}: cannot read the legacy data version: {}", packageId, e.getMessage());
      return Optional.empty();
    } finally {
      try {
        SafeTree.delete(held);
      } catch (UncheckedIOException e) {
        LOG.warn("{}: cannot remove {}: {}", packageId, held, e.getMessage());
      }
    }
  }
}
