package startos.service;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import startos.model.Database;
import startos.model.DesiredStatus;
import startos.model.ErrorData;
import startos.model.PackageState;
import startos.model.StatusInfo;

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
  private final Database db;
  private final ReentrantLock lock;

  ServiceStatus(String id, Database db, ReentrantLock lock) {
    this.id = id;
    this.db = db;
    this.lock = lock;
  }

  /** What the user wants main to be. */
  void setDesiredLocked(DesiredStatus desired) {
    write(status -> status.withDesired(desired));
  }

  /** A restart is under way: StartOS shows it as its own desired state until main runs again. */
  void setRestartingLocked() {
    write(status -> status.withDesired(new DesiredStatus.Restarting(false)));
  }

  /** Main answered its start at {@code since}; an earlier error no longer applies. */
  void setStartedLocked(Instant since) {
    write(status -> status.withStarted(Optional.of(since)).withError(Optional.empty()));
  }

  /** Main is not running any more: no start time and no health checks to show. */
  void clearStartedAndHealthLocked() {
    write(status -> status.withStarted(Optional.empty()).withHealth(Map.of()));
  }

  /** The runtime is back, so an earlier crash is no longer the service's state. */
  void clearErrorLocked() {
    write(status -> status.withError(Optional.empty()));
  }

  /** Shows {@code details} as the service's error, with main not running. */
  void recordErrorLocked(String details) {
    // StartOS's ErrorData: debug is the error's debug text, which a sentence has none of; main is
    // not running: no start time and no stale health results
    write(status ->
        status
            .withError(Optional.of(ErrorData.of(details)))
            .withStarted(Optional.empty())
            .withHealth(Map.of()));
  }

  /** Whether the user wants main running ({@code running}, or {@code restarting} under way). */
  boolean desiredRunning() {
    return db.packageEntry(id).map(e -> wantsRunning(e.statusInfo().desired())).orElse(false);
  }

  /** Whether {@code desired} asks for main running: running, or a restart under way. */
  static boolean wantsRunning(DesiredStatus desired) {
    return switch (desired) {
      case DesiredStatus.Running r -> true;
      case DesiredStatus.Restarting r -> true;
      case DesiredStatus.Stopped s -> false;
      // a backup is not started by startd yet; it never sets this goal
      case DesiredStatus.BackingUp b -> false;
    };
  }

  /** Whether the package is installed (not installing, updating or being removed). */
  boolean installed() {
    return db.packageEntry(id)
        .map(e ->
            switch (e.stateInfo()) {
              case PackageState.Installed i -> true;
              case PackageState.Installing i -> false;
              case PackageState.Restoring r -> false;
              case PackageState.Updating u -> false;
              case PackageState.Removing r -> false;
            })
        .orElse(false);
  }

  private void write(UnaryOperator<StatusInfo> change) {
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalStateException(
          "internal error: a status write of " + id + " ran without holding its service's lock");
    }
    db.updatePackage(id, entry -> entry.withStatusInfo(change.apply(entry.statusInfo())));
  }
}
