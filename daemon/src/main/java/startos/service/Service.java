package startos.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.container.ContainerBackend;
import startos.container.ContainerMount;
import startos.container.ContainerSpec;
import startos.container.ContainerState;
import startos.container.Limits;
import startos.container.PortForward;
import startos.effects.EffectServer;
import startos.effects.EffectTable;
import startos.effects.PackageData;
import startos.effects.Watches;
import startos.hostfs.HostMount;
import startos.hostfs.SafeTree;
import startos.install.InstallProgress;
import startos.logs.ServiceLog;
import startos.patchdb.PatchDb;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * One installed package: its LXC container running the SDK runtime, the host.sock it calls and the
 * service.sock it answers on, and its status kept true in the database ({@link ServiceStatus}).
 *
 * <p>The lifecycle converges: {@link #convergeLocked} moves the service one transition at a time
 * from its {@link ServiceState} toward a {@link Goal} ({@code statusInfo.desired} is the user's
 * part of it). Start, stop, restart, rebuild, crash recovery, update and uninstall each set the
 * goal (and, for the user's actions, {@code desired}) and let that loop do the work; init and
 * uninit are the transitions with a parameter ({@link #boot(Optional, Optional)}, {@link #exit}).
 *
 * <p>Lock discipline: {@link #lock} guards {@link #state}, {@link #client}, {@link #effectServer}
 * and the package's {@code statusInfo}; they change only while the thread holds it. Public and
 * package-private methods take it themselves; private helpers that need it are named {@code
 * …Locked} and check that it is held ({@link #requireLock}), as do the writes of {@link
 * ServiceStatus}. {@link #crashes} is guarded by this object's monitor ({@link #retryDelay}). A
 * runtime that dies is noticed on its connection's reader thread, which takes no lock: it hands the
 * crash to a thread that waits for the lock, so whoever holds it (a start that has just succeeded,
 * say) finishes first and the crash is recorded after it, never overwritten by it.
 */
public final class Service {
  private static final Logger LOG = LoggerFactory.getLogger(Service.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final SecureRandom RANDOM = new SecureRandom();
  static final String INIT = "/media/startos/boot/init";

  /**
   * Every service's cgroup: a fork bomb stops at 4096 processes and CPU is shared fairly between
   * services; the memory cap comes from {@link ServiceSettings#memoryLimitBytes}.
   */
  static final Limits LIMITS = new Limits(0, 4096, 1024, 0);

  /** First wait before bringing a crashed runtime back; doubles per crash up to the max. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);

  static final Duration MAX_RETRY = Duration.ofSeconds(30);

  /** A runtime that ran this long before crashing starts its backoff over. */
  static final Duration STABLE = Duration.ofSeconds(60);

  /** Where {@link #convergeLocked} moves the service. */
  enum Goal {
    /** Main running, the container booted first when it is not up. */
    RUNNING,
    /** The container up and initialized, main not running. */
    IDLE,
    /** Main not running; a container that is down stays down. */
    MAIN_STOPPED,
    /** No container. */
    DOWN
  }

  /** One step of {@link #convergeLocked}. */
  private enum Transition {
    DONE,
    BOOT,
    START_MAIN,
    STOP_MAIN,
    TEAR_DOWN
  }

  private final String id;
  private final PackageLayout layout;
  private final ServiceSettings settings;
  private final ContainerBackend backend;
  private final EffectTable effects;
  private final Watches watches;
  private final ServiceLog log;
  private final ReentrantLock lock = new ReentrantLock();
  private final ServiceStatus status;
  private final PatchDb db;
  private volatile ServiceState state = new ServiceState.Down();
  private EffectServer effectServer;
  private volatile RuntimeClient client;
  private volatile Instant bootedAt = Instant.EPOCH;
  // bumped by every user action and shutdown: a pending crash restart with an older value gives up
  private final AtomicLong generation = new AtomicLong();
  private int crashes;
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
    this.settings = settings;
    this.backend = backend;
    this.db = db;
    this.status = new ServiceStatus(id, db, lock);
    this.effects = effects;
    this.watches = watches;
    this.log = log;
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

  /** Tests only: {@code hook} runs after the runtime answered start, with the lock held. */
  void afterStartAnswered(Runnable hook) {
    afterStartAnswered = hook;
  }

  /** Whether the connection to the runtime is up (tests wait on it). */
  boolean runtimeConnected() {
    RuntimeClient c = client;
    return c != null && c.isOpen();
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
  private void convergeLocked(Goal goal) {
    requireLock();
    while (true) {
      switch (next(state, goal)) {
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
          teardownLocked();
          state = new ServiceState.Down();
        }
      }
    }
  }

  /** The transition from {@code from} toward {@code goal}. */
  private static Transition next(ServiceState from, Goal goal) {
    return switch (from) {
      case ServiceState.Down down ->
          switch (goal) {
            case RUNNING, IDLE -> Transition.BOOT;
            case MAIN_STOPPED, DOWN -> Transition.DONE;
          };
      case ServiceState.Failed failed ->
          switch (goal) {
            case RUNNING, IDLE -> Transition.BOOT;
            case MAIN_STOPPED -> Transition.DONE;
            // what a failed boot or a crash left behind goes too
            case DOWN -> Transition.TEAR_DOWN;
          };
      case ServiceState.Idle idle ->
          switch (goal) {
            case RUNNING -> Transition.START_MAIN;
            case IDLE, MAIN_STOPPED -> Transition.DONE;
            case DOWN -> Transition.TEAR_DOWN;
          };
      case ServiceState.Running running ->
          switch (goal) {
            case RUNNING -> Transition.DONE;
            case IDLE, MAIN_STOPPED -> Transition.STOP_MAIN;
            // the runtime is asked to stop main only on the way down (shutdown asks it too)
            case DOWN -> Transition.TEAR_DOWN;
          };
    };
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
    convergeLocked(Goal.RUNNING);
  }

  /** Stops the package's main (its daemons get SIGTERM, then SIGKILL after their timeout). */
  void stopMain() {
    generation.incrementAndGet();
    lock.lock();
    try {
      status.setDesiredLocked("stopped");
      convergeLocked(Goal.MAIN_STOPPED);
      status.clearStartedAndHealthLocked();
    } finally {
      lock.unlock();
    }
  }

  void restartMain() {
    lock.lock();
    try {
      status.setRestartingLocked();
      convergeLocked(Goal.MAIN_STOPPED);
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
      convergeLocked(Goal.IDLE);
      if (wasRunning) {
        startMain();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Stops main and the container without changing what the user wants (startd going down). */
  void shutdown() {
    generation.incrementAndGet();
    lock.lock();
    try {
      askRuntimeToStopMainLocked("stop before shutdown");
      if (!state.containerUp() && !state.failed()) {
        // nothing of this startd runs, but a crashed startd may have left a container and mounts
        teardownLocked();
      }
      convergeLocked(Goal.DOWN);
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
        install.map(p -> p.onCancel(this::abortBoot)).orElse(() -> {});
    try {
      ContainerReach.require(settings.dataDir(), settings.rootUid(id));
      prepareHostDirs();
      log.tail(layout.consoleLog());
      effectServer =
          EffectServer.start(
              id,
              layout.rpc().resolve("host.sock"),
              settings.rootUid(id),
              settings.idRange(id)::contains,
              effects);
      install.ifPresent(InstallProgress::checkCancelled);
      ContainerState left = backend.state(id);
      if (left != ContainerState.ABSENT && left != ContainerState.STOPPED) {
        // a container a crashed startd left running would refuse the start
        backend.stop(id, settings.stopTimeout());
      }
      backend.start(spec());
      client =
          RuntimeClient.connect(
              id,
              layout.rpc().resolve("service.sock"),
              settings.idRange(id)::contains,
              CONNECT_TIMEOUT,
              this::runtimeGone);
      install.ifPresent(InstallProgress::checkCancelled);
      restoreForwards();
      ObjectNode params = NODES.objectNode();
      params.put("id", "init-" + eventId());
      if (kind.isPresent()) {
        params.put("kind", kind.get());
      } else {
        params.putNull("kind");
      }
      client.call("init", params, settings.initTimeout());
      install.ifPresent(InstallProgress::checkCancelled);
      state = new ServiceState.Idle();
      bootedAt = Instant.now();
      log.append("startd: " + id + " initialized (" + kind.orElse("boot") + ")");
    } catch (RuntimeException e) {
      boolean cancelled = install.map(InstallProgress::isCancelled).orElse(false);
      String why = cancelled ? "the install was cancelled" : String.valueOf(e.getMessage());
      log.append("startd: starting " + id + " failed: " + why);
      teardownLocked();
      state = new ServiceState.Failed(why);
      if (cancelled) {
        throw new RpcException(ErrorKind.CANCELLED, "the install of " + id + " was cancelled", e);
      }
      throw e;
    } finally {
      hook.close();
    }
  }

  /**
   * Cuts the connection to a booting runtime so its pending init fails. Never takes the lock (the
   * booting thread holds it) and changes no state: that thread's failure path does, under the lock.
   */
  private void abortBoot() {
    RuntimeClient c = client;
    if (c != null) {
      c.close();
    }
  }

  /** The cgroup limits this service's container runs with. */
  Limits limits() {
    return LIMITS.withMemoryBytes(settings.memoryLimitBytes());
  }

  /** Idle to Running: the runtime starts main; the start time is recorded once it answered. */
  private void startMainLocked() {
    requireLock();
    try {
      client.call("start", NODES.nullNode(), START_TIMEOUT);
    } catch (RuntimeException e) {
      status.recordErrorLocked(e.getMessage());
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
    if (askRuntimeToStopMainLocked(what)) {
      state = new ServiceState.Idle();
      return true;
    }
    return false;
  }

  /**
   * Asks the runtime to stop main when main runs; a failure is only logged ({@code what} names the
   * step) because what follows tears down or marks idle anyway. Returns whether main was running
   * with its runtime connected.
   */
  private boolean askRuntimeToStopMainLocked(String what) {
    requireLock();
    RuntimeClient c = client;
    if (state.mainRunning() && c != null && c.isOpen()) {
      try {
        c.call("stop", NODES.nullNode(), settings.stopTimeout().plusSeconds(10));
      } catch (RuntimeException e) {
        LOG.warn("{}: {} failed: {}", id, what, e.getMessage());
      }
      return true;
    }
    return false;
  }

  /** Uninit: the runtime stops main itself, answers and exits; a failure is only logged. */
  private void uninitLocked(JsonNode target) {
    requireLock();
    ObjectNode params = NODES.objectNode();
    params.put("id", "exit-" + eventId());
    params.set("target", target);
    // the runtime exits after answering; the shutdown that follows drops the client before that
    // counts as a crash (runtimeGone ignores a client that is no longer the current one)
    try {
      client.call("exit", params, settings.initTimeout());
      state = new ServiceState.Idle();
    } catch (RuntimeException e) {
      log.append("startd: uninit of " + id + " failed: " + e.getMessage());
      LOG.warn("{}: exit failed: {}", id, e.getMessage());
    }
  }

  /**
   * Stops the container and drops the runtime connection; a close noticed afterwards is not a crash
   * because the client is no longer current.
   */
  private void teardownLocked() {
    requireLock();
    RuntimeClient c = client;
    client = null;
    if (c != null) {
      c.close();
    }
    try {
      backend.stop(id, settings.stopTimeout());
    } catch (RuntimeException e) {
      LOG.warn("{}: stopping the container failed: {}", id, e.getMessage());
    }
    if (effectServer != null) {
      effectServer.close();
      effectServer = null;
    }
    watches.forget(id);
    log.stopTailing();
    PackageMounts.unmountAll(layout.subcontainers());
    PackageLayout.deleteTree(layout.layers());
    PackageLayout.deleteTree(layout.subcontainers());
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
      if (client != dead) {
        return;
      }
      String reason = "the container runtime of " + id + " exited unexpectedly; see its logs";
      LOG.warn(reason);
      log.append("startd: " + reason);
      teardownLocked();
      state = new ServiceState.Failed(reason);
      status.recordErrorLocked(reason);
    } finally {
      lock.unlock();
    }
    recoverAfter(retryDelay(), gen);
  }

  /**
   * The wait before the next automatic restart: 1 s doubling to 30 s over consecutive crashes; a
   * runtime that stayed up a minute starts over at 1 s.
   */
  private synchronized Duration retryDelay() {
    if (Duration.between(bootedAt, Instant.now()).compareTo(STABLE) >= 0) {
      crashes = 0;
    }
    crashes++;
    long seconds = FIRST_RETRY.toSeconds() << Math.min(crashes - 1, 10);
    return seconds >= MAX_RETRY.toSeconds() ? MAX_RETRY : Duration.ofSeconds(seconds);
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
      convergeLocked(Goal.IDLE);
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
      recoverAfter(retryDelay(), gen);
    }
  }

  /** Re-creates the forwards of bindings recorded before (after a restart of startd). */
  private void restoreForwards() {
    Optional<Inet4Address> ip = backend.ip(id);
    if (ip.isEmpty()) {
      return;
    }
    JsonNode hosts = db.get(PackageData.pointer(id) + "/hosts").orElse(NODES.objectNode());
    for (JsonNode h : hosts) {
      h.path("bindings")
          .properties()
          .forEach(b -> {
            JsonNode port = b.getValue().path("net").path("assignedPort");
            if (port.canConvertToInt()) {
              PortForward f = PortForward.tcp(port.asInt(), ip.get(), Integer.parseInt(b.getKey()));
              if (!backend.forwards().contains(f)) {
                try {
                  backend.forward(f);
                } catch (RuntimeException e) {
                  LOG.warn("{}: cannot restore forward {}: {}", id, f, e.getMessage());
                }
              }
            }
          });
    }
  }

  // ---- subcontainers and mounts (effects) ----

  List<String> createFs(String imageId, Optional<String> name) {
    Path image = layout.images().resolve(imageId);
    if (!Files.isDirectory(image)) {
      throw new RpcException(
          ErrorKind.NOT_FOUND, "package " + id + " has no image named " + imageId);
    }
    String guid = HexFormat.of().withUpperCase().formatHex(randomBytes(16));
    Path layers = layout.layers().resolve(guid);
    Path upper = layers.resolve("upper");
    Path work = layers.resolve("work");
    // the overlay is put together where only the host looks (layers/), then attached by file
    // descriptor: subcontainers/ is the package's, which could swap a fresh directory there for a
    // symlink between its creation and a chown or mount by name
    Path merged = layers.resolve("merged");
    String what = "mount the root of subcontainer " + name.orElse(guid) + " of " + id;
    try {
      Files.createDirectories(upper);
      Files.createDirectories(work);
      Files.createDirectories(merged);
      String owner = settings.rootUid(id) + ":" + settings.rootUid(id);
      HostCommands.run(
          "prepare subcontainer " + guid, "chown", owner, upper.toString(), work.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare subcontainer " + guid + " of " + id, e);
    }
    HostCommands.run(
        what,
        "mount",
        "-t",
        "overlay",
        "overlay",
        "-o",
        // the image and upper layer are the package's: no device node or setuid file works here
        "nodev,nosuid,lowerdir=" + image + ",upperdir=" + upper + ",workdir=" + work,
        merged.toString());
    try {
      HostMount.bind(layers, "merged", layout.dir(), "subcontainers/" + guid, false, what);
    } finally {
      // the attached copy keeps the overlay alive
      HostCommands.run("unmount the staging overlay of " + guid, "umount", "-l", merged.toString());
    }
    log.append("startd: subcontainer " + name.orElse("") + " " + guid + " from image " + imageId);
    return List.of("/media/startos/subcontainers/" + guid, guid);
  }

  void destroyFs(String guid) {
    Path root = layout.subcontainers().resolve(guid);
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      throw new RpcException(ErrorKind.NOT_FOUND, "package " + id + " has no subcontainer " + guid);
    }
    // its processes go first: one left running keeps writing into the tree being deleted
    try {
      HostMount.killProcessesRootedIn(
          layout.subcontainers(), guid, "stop the processes of subcontainer " + guid + " of " + id);
    } catch (RpcException e) {
      if (e.kind() != ErrorKind.INVALID_REQUEST) {
        throw e;
      }
      // no overlay there (a symlink or directory the package put in its place): no subcontainer
      // runs there, and what is there is deleted below without following anything
      LOG.info("{}", e.getMessage());
    }
    PackageMounts.unmountAll(root);
    try {
      PackageLayout.deleteTree(root);
      PackageLayout.deleteTree(layout.layers().resolve(guid));
    } catch (UncheckedIOException e) {
      // e.g. a process of the package still writing into it: what is left goes at teardown
      throw new RpcException(
          ErrorKind.FILESYSTEM,
          "subcontainer " + guid + " of " + id + " was not fully removed: " + e.getMessage());
    }
  }

  /**
   * Binds {@code volumePath} below {@code volumes} (a package's volumes directory) at {@code
   * location} in one of this package's subcontainers, the only place the host can reach while it
   * runs. Both sides belong to packages, so {@link HostMount} resolves them without following any
   * symlink and attaches the mount by file descriptor, nosuid,nodev and read-only before it becomes
   * visible when asked.
   */
  void mount(Path volumes, String owner, String volumePath, String location, boolean readOnly) {
    String prefix = "/media/startos/subcontainers/";
    Path normalized = Path.of(location).normalize();
    if (!location.startsWith(prefix)
        || !normalized.toString().startsWith(prefix)
        || location.contains("/../")) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST,
          "mount location must be inside a subcontainer ("
              + prefix
              + "<guid>/...), got "
              + location);
    }
    String target = normalized.toString().substring(prefix.length());
    if (Path.of(target).getNameCount() < 2) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST,
          "mount location " + location + " refused: it must name a path inside a subcontainer");
    }
    HostMount.bind(
        volumes,
        volumePath,
        layout.subcontainers(),
        target,
        readOnly,
        "mount of " + owner + "'s volume path " + volumePath + " at " + location);
  }

  void fireCallback(long callbackId, JsonNode args) {
    RuntimeClient c = client;
    if (c == null || !c.isOpen()) {
      throw new RpcException(ErrorKind.NOT_FOUND, id + " is not running");
    }
    ObjectNode params = NODES.objectNode();
    params.put("id", callbackId);
    params.set("args", args);
    c.notify("callback", params);
  }

  /** The container runtime's own output and the package's, captured in the log. */
  private void prepareHostDirs() {
    try {
      Files.createDirectories(layout.rpc());
      Files.deleteIfExists(layout.rpc().resolve("service.sock"));
      Files.deleteIfExists(layout.rpc().resolve("host.sock"));
      prepareConsole();
      Files.createDirectories(layout.volumes());
      Files.createDirectories(layout.imageMeta());
      Files.createDirectories(layout.emptyAssets());
      PackageMounts.unmountAll(layout.subcontainers());
      Files.createDirectories(layout.subcontainers());
      // a shared mount, so overlays mounted here later show up inside the running container
      HostCommands.run(
          "share " + layout.subcontainers(),
          "mount",
          "--bind",
          layout.subcontainers().toString(),
          layout.subcontainers().toString());
      HostCommands.run(
          "share " + layout.subcontainers(),
          "mount",
          "--make-shared",
          layout.subcontainers().toString());
      Files.createDirectories(layout.boot());
      Path init = layout.boot().resolve("init");
      Files.writeString(
          init,
          "#!/bin/sh\n# written by startd: the runtime's output goes to the console file it tails\n"
              + "exec /usr/sbin/init -- /usr/lib/startos/container-runtime/start-runtime"
              + " >>/media/startos/console/console.log 2>&1\n",
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.setPosixFilePermissions(layout.dir(), PosixFilePermissions.fromString("rwx--x--x"));
      // files of an install from before per-package ranges (or of another range) change hands
      // now, while no container of this package runs to swap paths under the walk
      IdShift.migrate(layout, settings.containerRootUid(), settings.rootUid(id));
      String owner = settings.rootUid(id) + ":" + settings.rootUid(id);
      HostCommands.run(
          "hand directories to the container",
          "chown",
          owner,
          layout.rpc().toString(),
          layout.subcontainers().toString(),
          layout.volumes().toString());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot prepare the directories of " + id + ": " + e.getMessage(), e);
    }
  }

  /**
   * A fresh console file the container may write but never replace: the directory is the host's
   * (the container's root cannot create, rename or delete in it), the file a regular one the host
   * made and handed to the container's root. So the host's tailer can never be pointed at a symlink
   * (a host file, {@code /dev/zero}) or a FIFO.
   */
  private void prepareConsole() throws IOException {
    Path dir = layout.console();
    Files.createDirectories(dir);
    // earlier versions handed the directory itself to the container: take it back first
    Files.setAttribute(dir, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(dir, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    SafeTree.delete(layout.consoleLog());
    Files.createFile(
        layout.consoleLog(),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.setAttribute(
        layout.consoleLog(), "unix:uid", settings.rootUid(id), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(
        layout.consoleLog(), "unix:gid", settings.rootUid(id), LinkOption.NOFOLLOW_LINKS);
  }

  ContainerSpec spec() {
    List<ContainerMount> mounts = new ArrayList<>();
    mounts.add(ContainerMount.bind(layout.rpc(), "/media/startos/rpc"));
    mounts.add(ContainerMount.readOnlyBind(layout.imageMeta(), "/media/startos/images"));
    mounts.add(ContainerMount.bind(layout.subcontainers(), "/media/startos/subcontainers"));
    mounts.add(ContainerMount.bind(layout.volumes(), "/media/startos/volumes"));
    mounts.add(ContainerMount.squashfs(layout.javascript(), "/usr/lib/startos/package"));
    if (Files.isRegularFile(layout.assets())) {
      mounts.add(ContainerMount.squashfs(layout.assets(), "/media/startos/assets"));
    } else {
      mounts.add(ContainerMount.readOnlyBind(layout.emptyAssets(), "/media/startos/assets"));
    }
    mounts.add(ContainerMount.readOnlyBind(layout.boot(), "/media/startos/boot"));
    // the file, not its directory: the container may write it but never replace it
    mounts.add(ContainerMount.bind(layout.consoleLog(), "/media/startos/console/console.log"));
    Map<String, String> env = new LinkedHashMap<>();
    env.put("STARTOS_LOG_LEVEL", "info");
    env.put("STARTOS_SHUTDOWN_GRACE_MS", Long.toString(settings.stopTimeout().toMillis()));
    // the image's start-runtime launcher picks node's memory-lean flags (container-runtime/README)
    return new ContainerSpec(id, settings.runtimeImage(), List.of(INIT), mounts, limits(), env)
        .withIdmapBase(settings.rootUid(id));
  }

  private static String eventId() {
    return HexFormat.of().formatHex(randomBytes(8));
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
