package startos.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import startos.effects.PackageData;
import startos.patchdb.PatchDb;

/**
 * The writes of one service's {@code statusInfo} in the database: what the user wants ({@code
 * desired}), when main started, its error and its health.
 *
 * <p>Lock discipline: every write is made while the thread holds the owning {@link Service}'s lock
 * (passed in as {@code lock}); the write methods are named {@code …Locked} and throw when it is not
 * held, so a status can never be written by a thread that does not also own the state it mirrors.
 * This class holds no state and no lock of its own. The reads take no lock: each is one snapshot of
 * the database, and the crash recovery that uses them holds the service's lock anyway.
 */
final class ServiceStatus {
  private final String id;
  private final PatchDb db;
  private final ReentrantLock lock;

  ServiceStatus(String id, PatchDb db, ReentrantLock lock) {
    this.id = id;
    this.db = db;
    this.lock = lock;
  }

  /** What the user wants main to be: {@code running} or {@code stopped}. */
  void setDesiredLocked(String main) {
    write(status -> status.putObject("desired").put("main", main));
  }

  /** A restart is under way: StartOS shows it as its own desired state until main runs again. */
  void setRestartingLocked() {
    write(status -> {
      ObjectNode desired = status.putObject("desired");
      desired.put("main", "restarting");
      desired.put("restartAgain", false);
    });
  }

  /** Main answered its start at {@code since}; an earlier error no longer applies. */
  void setStartedLocked(Instant since) {
    write(status -> {
      status.put("started", since.toString());
      status.putNull("error");
    });
  }

  /** Main is not running any more: no start time and no health checks to show. */
  void clearStartedAndHealthLocked() {
    write(status -> {
      status.putNull("started");
      status.putObject("health");
    });
  }

  /** The runtime is back, so an earlier crash is no longer the service's state. */
  void clearErrorLocked() {
    write(status -> status.putNull("error"));
  }

  /** Shows {@code details} as the service's error, with main not running. */
  void recordErrorLocked(String details) {
    write(status -> {
      ObjectNode error = status.putObject("error");
      error.put("details", details);
      // StartOS's ErrorData: debug is the error's debug text, which a sentence has none of
      error.put("debug", "");
      error.putNull("info");
      // main is not running: no start time and no stale health results
      status.putNull("started");
      status.putObject("health");
    });
  }

  /** Whether the user wants main running ({@code running}, or {@code restarting} under way). */
  boolean desiredRunning() {
    return db.get(PackageData.pointer(id) + "/statusInfo/desired/main")
        .map(JsonNode::asText)
        .filter(m -> m.equals("running") || m.equals("restarting"))
        .isPresent();
  }

  /** Whether the package is installed (not installing, updating or being removed). */
  boolean installed() {
    return db.get(PackageData.pointer(id))
        .map(PackageData::state)
        .filter(s -> s.equals("installed"))
        .isPresent();
  }

  private void write(Consumer<ObjectNode> change) {
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalStateException(
          "internal error: a status write of " + id + " ran without holding its service's lock");
    }
    db.mutate(root -> {
      PackageData.entry(root, id)
          .ifPresent(entry -> change.accept(PackageData.object(entry, "statusInfo")));
      return null;
    });
  }
}
