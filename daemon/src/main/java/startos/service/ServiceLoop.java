package startos.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.container.Limits;
import startos.install.InstallProgress;
import startos.logs.ServiceLog;
import startos.model.DesiredStatus;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * Where one service's container and main are ({@link ServiceState}) and the transitions that move
 * them: {@link #convergeLocked} runs one transition at a time from the state toward a {@link
 * ServiceGoal} until it is there; init and uninit are the transitions with a parameter ({@link
 * #bootLocked}, {@link #uninitLocked}). The steps themselves are {@link ServiceContainer}'s; the
 * {@code statusInfo} writes that go with them {@link ServiceStatus}'s.
 *
 * <p>Lock discipline: the owning {@link Service}'s lock (passed in as {@code lock}) guards {@link
 * #state}; every method that changes it is named {@code …Locked} and throws when the lock is not
 * held. {@link #state()} reads the volatile field without it. This class takes no lock itself.
 */
final class ServiceLoop {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceLoop.class);

  private final String id;
  private final ServiceLog log;
  private final ReentrantLock lock;
  private final ServiceStatus status;
  private final ServiceContainer container;
  private final CrashBackoff backoff;

  /** Told on the connection's reader thread when a booted runtime's connection closes. */
  private final Consumer<RuntimeClient> runtimeGone;

  private volatile ServiceState state = new ServiceState.Down();
  // a test seam: runs after the runtime answered start, before the service is marked running
  private volatile Runnable afterStartAnswered = () -> {};

  ServiceLoop(
      String id,
      ServiceLog log,
      ReentrantLock lock,
      ServiceStatus status,
      ServiceContainer container,
      CrashBackoff backoff,
      Consumer<RuntimeClient> runtimeGone) {
    this.id = id;
    this.log = log;
    this.lock = lock;
    this.status = status;
    this.container = container;
    this.backoff = backoff;
    this.runtimeGone = runtimeGone;
  }

  /** The current state; a snapshot read without the lock. */
  ServiceState state() {
    return state;
  }

  /** Tests only: {@code hook} runs after the runtime answered start, with the lock held. */
  void afterStartAnswered(Runnable hook) {
    afterStartAnswered = hook;
  }

  /**
   * Moves the service toward {@code goal} until it is there. A transition that fails throws and
   * leaves the state it reached ({@link ServiceState.Failed} for a boot); a main that is running
   * while its runtime is already gone is left to the crash handling, which is waiting for the lock.
   */
  void convergeLocked(ServiceGoal goal) {
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
        case TEAR_DOWN -> tearDownLocked();
      }
    }
  }

  /** The user wants main running (recorded as {@code desired}), and the service goes there. */
  void runMainLocked() {
    requireLock();
    status.setDesiredLocked(new DesiredStatus.Running());
    convergeLocked(ServiceGoal.RUNNING);
  }

  /** Init: a fresh container whose runtime ran {@code init}; a no-op when it is up already. */
  void bootLocked(Optional<String> kind, Optional<InstallProgress> install) {
    requireLock();
    if (state.containerUp()) {
      return;
    }
    Limits limits = container.setup().limits();
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
      container.startLocked(kind, install, runtimeGone);
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
  void uninitLocked(JsonNode target) {
    requireLock();
    try {
      container.uninitLocked(target);
      state = new ServiceState.Idle();
    } catch (RuntimeException e) {
      log.append("startd: uninit of " + id + " failed: " + e.getMessage());
      LOG.warn("{}: exit failed: {}", id, e.getMessage());
    }
  }

  /** Anything to Down: the container, its connection and its mounts are gone. */
  void tearDownLocked() {
    requireLock();
    container.teardownLocked();
    state = new ServiceState.Down();
  }

  /** The runtime died under a booted container: torn down, and the service failed with why. */
  void crashedLocked(String reason) {
    requireLock();
    container.teardownLocked();
    state = new ServiceState.Failed(reason);
    status.recordErrorLocked(reason);
  }

  /** Fails loudly when a helper that changes state runs without the service's lock. */
  private void requireLock() {
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalStateException(
          "internal error: a state change of " + id + " ran without holding its lock");
    }
  }
}
