package startos.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.container.ContainerBackend;
import startos.container.Limits;
import startos.effects.EffectTable;
import startos.effects.Watches;
import startos.install.InstallProgress;
import startos.logs.ServiceLog;
import startos.patchdb.PatchDb;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * One installed package's lifecycle: where its container and main are ({@link ServiceState}) and
 * the loop that moves them toward a {@link ServiceGoal}. The steps themselves are {@link
 * ServiceContainer}'s (container, runtime connection, effect server; host directories and spec in
 * {@link ContainerSetup}), the {@code statusInfo} writes {@link ServiceStatus}'s, and the package's
 * own subcontainers and mounts {@link Subcontainers}'.
 *
 * <p>The lifecycle converges: {@link #convergeLocked} runs one transition at a time from the state
 * toward the goal until it is there. {@code statusInfo.desired} is the user's part of the goal.
 * Start, stop and restart set it and converge; rebuild, crash recovery, update and uninstall
 * converge to a goal of startd's ({@link ServiceGoal#IDLE}, {@link ServiceGoal#DOWN}). Init and
 * uninit are the transitions with a parameter ({@link #boot(Optional, Optional)}, {@link #exit}).
 *
 * <p>Lock discipline: {@link #lock} guards {@link #state}, the container's client and effect server
 * and the package's {@code statusInfo}; they change only while the thread holds it. Public and
 * package-private methods take it themselves; helpers that need it are named {@code …Locked} and
 * check that it is held ({@link #requireLock}), as do {@link ServiceContainer}'s and {@link
 * ServiceStatus}'s. {@link CrashBackoff} has its own monitor; {@link #generation} is atomic and
 * read without the lock. A runtime that dies is noticed on its connection's reader thread, which
 * takes no lock: it hands the crash to a thread that waits for the lock, so whoever holds it (a
 * start that has just succeeded, say) finishes first and the crash is recorded after it, never
 * overwritten by it.
 */
public final class Service {
  private static final Logger LOG = LoggerFactory.getLogger(Service.class);

  private final String id;
  private final PackageLayout layout;
  private final ContainerBackend backend;
  private final ServiceLog log;
  private final ReentrantLock lock = new ReentrantLock();
  private final ServiceStatus status;
  private final ServiceContainer container;
  private final Subcontainers subcontainers;
  private volatile ServiceState state = new ServiceState.Down();
  // bumped by every user action and shutdown: a pending crash restart with an older value gives up
  private final AtomicLong generation = new AtomicLong();
  private final CrashBackoff backoff = new CrashBackoff();
  // a test seam: runs after the runtime answered start, before the service is marked running
  private volatile Runnable afterStartAnswered = () -> {};

  Service(
      String id,
      ServiceSettings settings,
      ContainerBackend backend,
      PatchDb db,
      EffectTable effects,
      Watches watches,
      ServiceLog log) {
    this.id = id;
    this.layout = settings.layout(id);
    this.backend = backend;
    this.log = log;
    this.status = new ServiceStatus(id, db, lock);
    this.container = new ServiceContainer(id, settings, backend, db, effects, watches, log, lock);
    this.subcontainers = new Subcontainers(id, settings, log);
  }

  public String id() {
    return id;
  }

  public ServiceState state() {
    return state;
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
    afterStartAnswered = hook;
  }

  /** Whether the connection to the runtime is up (tests wait on it). */
  boolean runtimeConnected() {
    return container.connected();
  }

  /** Sends the runtime a callback it registered; takes no lock. */
  void fireCallback(long callbackId, JsonNode args) {
    container.fireCallback(callbackId, args);
  }

  /** Fails loudly when a helper that changes state runs without the service's lock. */
  private void requireLock() {
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalStateException(
          "internal error: a state change of " + id + " ran without holding its lock");
    }
  }

  // ---- the loop ----

  /**
   * Moves the service toward {@code goal} until it is there. A transition that fails throws and
   * leaves the state it reached ({@link ServiceState.Failed} for a boot); a main that is running
   * while its runtime is already gone is left to the crash handling, which is waiting for the lock.
   */
  private void convergeLocked(ServiceGoal goal) {
    requireLock();
    while (true) {
      switch (goal.next(state)) {
        case DONE -> {
          return;
        }
        case BOOT -> bootLocked(Optional.empty(), Optional.empty());
        case START_MAIN -> startMainLocked();
        case STOP_MAIN -> {
          if (!stopMainLocked("stop")) {
            // the runtime is gone: its crash handling, waiting for the lock, takes it from here
            return;
          }
        }
        case TEAR_DOWN -> {
          container.teardownLocked();
          state = new ServiceState.Down();
        }
      }
    }
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
      bootLocked(kind, install);
    } finally {
      lock.unlock();
    }
  }

  /** Runs the package's main; records desired running and, once it answered, started. */
  void startMain() {
    generation.incrementAndGet();
    lock.lock();
    try {
      runMainLocked();
    } finally {
      lock.unlock();
    }
  }

  /** {@link #startMain} without cancelling a pending crash recovery (it is that recovery). */
  private void runMainLocked() {
    status.setDesiredLocked("running");
    convergeLocked(ServiceGoal.RUNNING);
  }

  /** Stops the package's main (its daemons get SIGTERM, then SIGKILL after their timeout). */
  void stopMain() {
    generation.incrementAndGet();
    lock.lock();
    try {
      status.setDesiredLocked("stopped");
      convergeLocked(ServiceGoal.MAIN_STOPPED);
      status.clearStartedAndHealthLocked();
    } finally {
      lock.unlock();
    }
  }

  void restartMain() {
    lock.lock();
    try {
      status.setRestartingLocked();
      convergeLocked(ServiceGoal.MAIN_STOPPED);
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
    generation.incrementAndGet();
    lock.lock();
    try {
      if (state.containerUp()) {
        uninitLocked(target);
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
      boolean wasRunning = state.mainRunning();
      shutdown();
      backend.destroy(id);
      convergeLocked(ServiceGoal.IDLE);
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
   * wait for the package up to {@code initTimeout} (10 min), so its runtime connection is closed
   * and its call fails now. Blocking, any thread.
   */
  void shutdown() {
    generation.incrementAndGet();
    if (!lock.tryLock()) {
      // closed by us, not by the runtime: not taken for a crash
      container.abort();
      lock.lock();
    }
    try {
      if (state.mainRunning()) {
        container.stopMainLocked("stop before shutdown");
      }
      if (!state.containerUp() && !state.failed()) {
        // nothing of this startd runs, but a crashed startd may have left a container and mounts
        container.teardownLocked();
      }
      convergeLocked(ServiceGoal.DOWN);
      status.clearStartedAndHealthLocked();
    } finally {
      lock.unlock();
    }
  }

  // ---- the transitions themselves (caller holds the lock) ----

  /** Init: a fresh container whose runtime ran {@code init}; a no-op when it is up already. */
  private void bootLocked(Optional<String> kind, Optional<InstallProgress> install) {
    requireLock();
    if (state.containerUp()) {
      return;
    }
    Limits limits = limits();
    log.append(
        "startd: starting the container of "
            + id
            + " (memory limit "
            + (limits.memoryBytes() == 0 ? "none" : (limits.memoryBytes() >> 20) + " MiB")
            + ", at most "
            + limits.maxPids()
            + " processes, cpu shares "
            + limits.cpuShares()
            + ")");
    InstallProgress.Registration hook =
        install.map(p -> p.onCancel(container::abort)).orElse(() -> {});
    try {
      container.startLocked(kind, install, this::runtimeGone);
      state = new ServiceState.Idle();
      backoff.booted(Instant.now());
      log.append("startd: " + id + " initialized (" + kind.orElse("boot") + ")");
    } catch (RuntimeException e) {
      boolean cancelled = install.map(InstallProgress::isCancelled).orElse(false);
      String why = cancelled ? "the install was cancelled" : String.valueOf(e.getMessage());
      log.append("startd: starting " + id + " failed: " + why);
      container.teardownLocked();
      state = new ServiceState.Failed(why);
      if (cancelled) {
        throw new RpcException(ErrorKind.CANCELLED, "the install of " + id + " was cancelled", e);
      }
      throw e;
    } finally {
      hook.close();
    }
  }

  /** Idle to Running: the runtime starts main; the start time is recorded once it answered. */
  private void startMainLocked() {
    requireLock();
    try {
      container.startMainLocked();
    } catch (RuntimeException e) {
      status.recordErrorLocked(String.valueOf(e.getMessage()));
      throw e;
    }
    afterStartAnswered.run();
    Instant now = Instant.now();
    state = new ServiceState.Running(now);
    status.setStartedLocked(now);
  }

  /**
   * Running to Idle; returns false and changes nothing when the runtime is gone already (then its
   * crash handling follows).
   */
  private boolean stopMainLocked(String what) {
    requireLock();
    if (state.mainRunning() && container.stopMainLocked(what)) {
      state = new ServiceState.Idle();
      return true;
    }
    return false;
  }

  /** Uninit: the runtime stops main itself, answers and exits; a failure is only logged. */
  private void uninitLocked(JsonNode target) {
    requireLock();
    try {
      container.uninitLocked(target);
      state = new ServiceState.Idle();
    } catch (RuntimeException e) {
      log.append("startd: uninit of " + id + " failed: " + e.getMessage());
      LOG.warn("{}: exit failed: {}", id, e.getMessage());
    }
  }

  // ---- crashes ----

  /**
   * The runtime closed {@code dead}'s connection (called on its reader thread). The crash is
   * handled on another thread under the lock: the holder may be waiting for an answer on this very
   * connection, and must finish (and fail) before the crash is recorded over what it did.
   */
  private void runtimeGone(RuntimeClient dead) {
    // a user action after this instant wins over the automatic restart
    long gen = generation.get();
    Thread.ofVirtual().name("recover-" + id).start(() -> handleCrash(dead, gen));
  }

  private void handleCrash(RuntimeClient dead, long gen) {
    lock.lock();
    try {
      // torn down or replaced on purpose meanwhile (stop, exit, shutdown, a failed boot): not a
      // crash; a boot that failed has reported its own error
      if (!container.isCurrentLocked(dead)) {
        return;
      }
      String reason = "the container runtime of " + id + " exited unexpectedly; see its logs";
      LOG.warn(reason);
      log.append("startd: " + reason);
      container.teardownLocked();
      state = new ServiceState.Failed(reason);
      status.recordErrorLocked(reason);
    } finally {
      lock.unlock();
    }
    recoverAfter(backoff.nextDelay(Instant.now()), gen);
  }

  /**
   * Brings a crashed runtime back as StartOS's rebuild does: a fresh container, init with no kind,
   * then main if its user wants it running. A stop, start, uninstall or shutdown meanwhile wins.
   */
  private void recoverAfter(Duration delay, long gen) {
    log.append("startd: restarting " + id + " in " + delay.toSeconds() + " s");
    try {
      Thread.sleep(delay);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    boolean failed = false;
    lock.lock();
    try {
      if (generation.get() != gen || !state.failed() || !status.installed()) {
        return;
      }
      convergeLocked(ServiceGoal.IDLE);
      // as StartOS's reload: the runtime is back, so the crash is no longer the service's state
      status.clearErrorLocked();
      if (status.desiredRunning()) {
        runMainLocked();
      }
      log.append("startd: " + id + " is back after its runtime crashed");
    } catch (RuntimeException e) {
      status.recordErrorLocked("bringing " + id + " back after a crash failed: " + e.getMessage());
      failed = true;
    } finally {
      lock.unlock();
    }
    if (failed && generation.get() == gen) {
      recoverAfter(backoff.nextDelay(Instant.now()), gen);
    }
  }
}
