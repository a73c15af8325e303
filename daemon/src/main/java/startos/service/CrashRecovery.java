package startos.service;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.logs.ServiceLog;

/**
 * What happens when a service's runtime dies on its own: the crash is recorded, and the service is
 * brought back as StartOS's rebuild does (a fresh container, init with no kind, then main if its
 * user wants it running) after a {@link CrashBackoff} wait. Any user action or shutdown meanwhile
 * wins over the automatic restart.
 *
 * <p>Lock discipline: the crash is noticed on the runtime connection's reader thread, which takes
 * no lock: {@link #runtimeGone} hands it to a virtual thread that takes the owning {@link
 * Service}'s lock (passed in as {@code lock}), so whoever holds it (a start that has just
 * succeeded, say) finishes first and the crash is recorded after it, never overwritten by it.
 * {@link #generation} is atomic and read without the lock; {@link CrashBackoff} has its own
 * monitor.
 */
final class CrashRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(CrashRecovery.class);

  private final String id;
  private final ServiceLog log;
  private final ReentrantLock lock;
  private final ServiceStatus status;
  private final ServiceContainer container;
  private final CrashBackoff backoff;
  private final ServiceLoop loop;
  // bumped by every user action and shutdown: a pending crash restart with an older value gives up
  private final AtomicLong generation = new AtomicLong();

  CrashRecovery(
      String id,
      ServiceLog log,
      ReentrantLock lock,
      ServiceStatus status,
      ServiceContainer container,
      CrashBackoff backoff,
      ServiceLoop loop) {
    this.id = id;
    this.log = log;
    this.lock = lock;
    this.status = status;
    this.container = container;
    this.backoff = backoff;
    this.loop = loop;
  }

  /** A user action or shutdown happened: a pending automatic restart gives up. Any thread. */
  void supersede() {
    generation.incrementAndGet();
  }

  /**
   * The runtime closed {@code dead}'s connection (called on its reader thread). The crash is
   * handled on another thread under the lock: the holder may be waiting for an answer on this very
   * connection, and must finish (and fail) before the crash is recorded over what it did.
   */
  void runtimeGone(RuntimeClient dead) {
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
      loop.crashedLocked(reason);
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
      if (generation.get() != gen || !loop.state().failed() || !status.installed()) {
        return;
      }
      loop.convergeLocked(ServiceGoal.IDLE);
      // as StartOS's reload: the runtime is back, so the crash is no longer the service's state
      status.clearErrorLocked();
      if (status.desiredRunning()) {
        // without supersede(): this is the recovery itself
        loop.runMainLocked();
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
