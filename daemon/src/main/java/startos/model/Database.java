package startos.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import startos.patchdb.PatchDb;
import startos.patchdb.Subscription;

/**
 * The one typed way to read and change the database. Reads decode a snapshot; {@link #mutate} runs
 * a change on a {@link DbTx} over a private copy and commits it as one revision (what the UI
 * receives is the diff, so writing back a whole entry sends only what changed).
 *
 * <p>Threads: any. Writers are serialized by the database; a change function must not call back
 * into this class (the database refuses a nested mutation).
 */
public final class Database {
  private final PatchDb db;

  public Database(PatchDb db) {
    this.db = db;
  }

  /** The untyped document, for the {@code db.*} methods that work on client-given pointers. */
  public PatchDb patchDb() {
    return db;
  }

  /** Every revision that changes the public document, for a loop that re-reads what it watches. */
  public Subscription subscribePublic() {
    return db.subscribe(Paths.PUBLIC);
  }

  /** The value at {@code slot}, or its {@code absent} value. */
  public <T> T read(Slot<T> slot) {
    return db.get(slot.pointer())
        .filter(json -> !json.isNull())
        .<T>map(json -> ModelJson.decode(json, slot.type()))
        .orElse(slot.absent());
  }

  /** The package's entry, if it has one (installing, installed, updating, removing...). */
  public Optional<PackageDataEntry> packageEntry(String id) {
    return db.get(Paths.packageEntry(id)).map(e -> ModelJson.decode(e, PackageDataEntry.class));
  }

  /** Every package entry by id, in the database's order. */
  public Map<String, PackageDataEntry> packages() {
    return db.get(Paths.PACKAGE_DATA).map(DbTx::decodePackages).orElse(Map.of());
  }

  public ServerInfo serverInfo() {
    JsonNode info =
        db.get(Paths.SERVER_INFO)
            .orElseThrow(() -> new ModelException("the database has no /public/serverInfo"));
    return ModelJson.decode(info, ServerInfo.class);
  }

  /** Runs {@code change} and commits what it wrote as one revision; returns its result. */
  public <R> R mutate(Function<DbTx, R> change) {
    return db.mutate(root -> change.apply(new DbTx(root))).result();
  }

  /**
   * Replaces the package's entry by {@code change(entry)} in one revision.
   *
   * @return false when the package has no entry (nothing changed)
   */
  public boolean updatePackage(String id, UnaryOperator<PackageDataEntry> change) {
    return mutate(tx -> tx.updatePackage(id, change));
  }

  public void updateServerInfo(UnaryOperator<ServerInfo> change) {
    mutate(tx -> {
      tx.updateServerInfo(change);
      return null;
    });
  }

  /** Replaces the value at {@code slot} by {@code change(value)} in one revision. */
  public <T> void update(Slot<T> slot, UnaryOperator<T> change) {
    mutate(tx -> {
      tx.update(slot, change);
      return null;
    });
  }
}
