package startos.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import startos.container.ContainerBackend;
import startos.container.Limits;
import startos.effects.EffectTable;
import startos.effects.Watches;
import startos.install.InstallProgress;
import startos.logs.ServiceLog;
import startos.model.Database;
import startos.model.DesiredStatus;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * One installed package's lifecycle as the manager and the package methods see it: the operations
 * the user and startd ask for (boot, start, stop, restart, exit, rebuild, shutdown). Each sets the
 * goal and lets {@link ServiceLoop} converge toward it: {@code statusInfo.desired} is the user's
 * part of the goal; start, stop and restart set it and converge; rebuild, crash recovery, update
 * and uninstall converge to a goal of startd's ({@link ServiceGoal#IDLE}, {@link
 * ServiceGoal#DOWN}). Init and uninit are the transitions with a parameter ({@link #boot(Optional,
 * Optional)}, {@link #exit}). The steps are {@link ServiceContainer}'s (container, runtime
 * connection, effect server; host directories and spec in {@link ContainerSetup}), the {@code
 * statusInfo} writes {@link ServiceStatus}'s, a runtime that dies on its own {@link
 * CrashRecovery}'s, and the package's own subcontainers and mounts {@link Subcontainers}'.
 *
 * <p>Lock discipline: {@link #lock} guards the loop's state, the container's client and effect
 * server and the package's {@code statusInfo}; they change only while the thread holds it. The
 * methods here take it themselves; the helpers that need it ({@link ServiceLoop}'s, {@link
 * ServiceContainer}'s, {@link ServiceStatus}'s) are named {@code …Locked} and check that it is
 * held. Every operation a user or startd asks for first tells {@link CrashRecovery#supersede}
 * (atomic, no lock), so a crash restart pending from before gives up.
 */
public final class Service {
  private final String id;
  private final PackageLayout layout;
  private final ContainerBackend backend;
  private final ServiceLog log;
  private final ReentrantLock lock = new ReentrantLock();
  private final ServiceStatus status;
  private final ServiceContainer container;
  private final Subcontainers subcontainers;
  private final ServiceLoop loop;
  private final CrashRecovery crashes;
  private final Consumer<String> onInitialized;

  Service(
      String id,
      ServiceSettings settings,
      ContainerBackend backend,
      Database db,
      EffectTable effects,
      Watches watches,
      ServiceLog log,
      Consumer<String> onInitialized) {
    this.id = id;
    this.onInitialized = onInitialized;
    this.layout = settings.layout(id);
    this.backend = backend;
    this.log = log;
    this.status = new ServiceStatus(id, db, lock);
    this.container = new ServiceContainer(id, settings, backend, db, effects, watches, log, lock);
    this.subcontainers = new Subcontainers(id, settings, log);
    CrashBackoff backoff = new CrashBackoff();
    // the loop reports a dead runtime to the recovery, which drives the loop: the lambda reads the
    // field only once a runtime is up, long after both exist
    this.loop =
        new ServiceLoop(
            id, log, lock, status, container, backoff, dead -> crashes().runtimeGone(dead));
    this.crashes = new CrashRecovery(id, log, lock, status, container, backoff, loop);
  }

  private CrashRecovery crashes() {
    return crashes;
  }

  public String id() {
    return id;
  }

  public ServiceState state() {
    return loop.state();
  }

  public PackageLayout layout() {
    return layout;
  }

  ServiceLog log() {
    return log;
  }

  /** The package's subcontainers and mounts (its effects; they take no lock). */
  Subcontainers subcontainers() {
    return subcontainers;
  }

  /** The cgroup limits this service's container runs with. */
  Limits limits() {
    return container.setup().limits();
  }

  /** Tests only: {@code hook} runs after the runtime answered start, with the lock held. */
  void afterStartAnswered(Runnable hook) {
    loop.afterStartAnswered(hook);
  }

  /** Whether the connection to the runtime is up (tests wait on it). */
  boolean runtimeConnected() {
    return container.connected();
  }

  /** Sends the runtime a callback it registered; takes no lock. */
  void fireCallback(long callbackId, JsonNode args) {
    container.fireCallback(callbackId, args);
  }

  /** Runs an action procedure in the runtime once its init finished; takes no lock. */
  JsonNode execute(String eventId, String procedure, JsonNode input, java.time.Duration timeout) {
    if (!loop.state().containerUp()) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST,
          id
              + " is "
              + loop.state().word()
              + ": its actions run once its container booted and its init finished");
    }
    return container.execute(eventId, procedure, input, timeout);
  }

  // ---- transitions the user and startd ask for ----

  /**
   * Starts the container and runs the package's {@code init} with {@code kind} (install, update,
   * restore or empty). On failure everything it started is stopped again and the package's message
   * is thrown.
   */
  void boot(Optional<String> kind) {
    boot(kind, Optional.empty());
  }

  /**
   * As {@link #boot(Optional)} for an install: cancelling {@code install} aborts the container's
   * start or its init, which then fails with CANCELLED after everything was stopped again.
   */
  void boot(Optional<String> kind, Optional<InstallProgress> install) {
    lock.lock();
    try {
      loop.bootLocked(kind, install);
    } finally {
      lock.unlock();
    }
    if (loop.state().containerUp()) {
      // off the lock and this thread: re-checking tasks asks the runtime, which may call effects
      Thread.ofVirtual()
          .name("tasks-recheck-" + id)
          .start(() -> {
            try {
              onInitialized.accept(id);
            } catch (RuntimeException e) {
              log.append("startd: re-checking the tasks on " + id + " failed: " + e.getMessage());
            }
          });
    }
  }

  /** Runs the package's main; records desired running and, once it answered, started. */
  void startMain() {
    crashes.supersede();
    lock.lock();
    try {
      loop.runMainLocked();
    } finally {
      lock.unlock();
    }
  }

  /** Stops the package's main (its daemons get SIGTERM, then SIGKILL after their timeout). */
  void stopMain() {
    crashes.supersede();
    lock.lock();
    try {
      status.setDesiredLocked(new DesiredStatus.Stopped());
      loop.convergeLocked(ServiceGoal.MAIN_STOPPED);
      status.clearStartedAndHealthLocked();
    } finally {
      lock.unlock();
    }
  }

  void restartMain() {
    lock.lock();
    try {
      status.setRestartingLocked();
      loop.convergeLocked(ServiceGoal.MAIN_STOPPED);
      status.clearStartedAndHealthLocked();
      startMain();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Runs the package's {@code uninit} toward {@code target} (a version, or null when the package is
   * going away), then shuts the container down.
   */
  void exit(JsonNode target) {
    crashes.supersede();
    lock.lock();
    try {
      if (loop.state().containerUp()) {
        loop.uninitLocked(target);
      }
      shutdown();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Re-creates the container from the installed files (e.g. after the runtime image changed) and
   * brings main back if it ran, all under one hold of the lock so no crash handling interleaves.
   */
  void rebuild() {
    lock.lock();
    try {
      boolean wasRunning = loop.state().mainRunning();
      shutdown();
      backend.destroy(id);
      loop.convergeLocked(ServiceGoal.IDLE);
      if (wasRunning) {
        startMain();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops main and the container without changing what the user wants (startd going down). An
   * operation holding the lock meanwhile is cut short rather than waited for: an init or uninit may
   * wait for the package without a deadline (a migration), so its runtime connection is closed and
   * its call fails now. Blocking, any thread.
   */
  void shutdown() {
    crashes.supersede();
    if (!lock.tryLock()) {
      // closed by us, not by the runtime: not taken for a crash
      container.abort();
      lock.lock();
    }
    try {
      if (loop.state().mainRunning()) {
        container.stopMainLocked("stop before shutdown");
      }
      if (!loop.state().containerUp() && !loop.state().failed()) {
        // nothing of this startd runs, but a crashed startd may have left a container and mounts
        loop.tearDownLocked();
      }
      loop.convergeLocked(ServiceGoal.DOWN);
      status.clearStartedAndHealthLocked();
    } finally {
      lock.unlock();
    }
  }
}
