package startos.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.Inet4Address;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.container.ContainerBackend;
import startos.container.ContainerState;
import startos.container.PortForward;
import startos.effects.EffectServer;
import startos.effects.EffectTable;
import startos.effects.Watches;
import startos.install.InstallProgress;
import startos.logs.ServiceLog;
import startos.model.BindInfo;
import startos.model.Database;
import startos.model.Host;
import startos.model.NetInfo;
import startos.model.PackageDataEntry;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;

/**
 * One service's container and its two sockets: the effect server the runtime calls on host.sock and
 * the client startd calls it with on service.sock. Each method is one step of the container's
 * lifecycle (start and init, start or stop main, uninit, teardown); {@link Service} decides which
 * step runs when.
 *
 * <p>Lock discipline: the owning {@link Service}'s lock guards {@link #client} and {@link
 * #effectServer}. Every method that changes them or calls the runtime on the service's behalf is
 * named {@code …Locked} and checks that the lock is held. {@link #abort}, {@link #connected} and
 * {@link #fireCallback} read the volatile client without it: abort runs while a boot holds the
 * lock, and a callback changes no state.
 */
final class ServiceContainer {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceContainer.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String id;
  private final PackageLayout layout;
  private final ServiceSettings settings;
  private final ContainerSetup setup;
  private final ContainerBackend backend;
  private final Database db;
  private final EffectTable effects;
  private final Watches watches;
  private final ServiceLog log;
  private final ReentrantLock lock;
  private EffectServer effectServer;
  private volatile RuntimeClient client;

  ServiceContainer(
      String id,
      ServiceSettings settings,
      ContainerBackend backend,
      Database db,
      EffectTable effects,
      Watches watches,
      ServiceLog log,
      ReentrantLock lock) {
    this.id = id;
    this.layout = settings.layout(id);
    this.settings = settings;
    this.setup = new ContainerSetup(id, settings, db);
    this.backend = backend;
    this.db = db;
    this.effects = effects;
    this.watches = watches;
    this.log = log;
    this.lock = lock;
  }

  ContainerSetup setup() {
    return setup;
  }

  /**
   * Starts the container and runs the package's {@code init} with {@code kind}; {@code onGone}
   * hears of the runtime's connection closing (on its reader thread, without the lock). Throws at
   * the first step that fails (or is cancelled through {@code install}); the caller tears down.
   */
  void startLocked(
      Optional<String> kind, Optional<InstallProgress> install, Consumer<RuntimeClient> onGone) {
    requireLock();
    ContainerReach.require(settings.dataDir(), settings.rootUid(id));
    setup.prepareHostDirs();
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
    backend.start(setup.spec());
    client =
        RuntimeClient.connect(
            id,
            layout.rpc().resolve("service.sock"),
            settings.idRange(id)::contains,
            CONNECT_TIMEOUT,
            onGone);
    install.ifPresent(InstallProgress::checkCancelled);
    restoreForwards();
    ObjectNode params = NODES.objectNode();
    params.put("id", "init-" + eventId());
    if (kind.isPresent()) {
      params.put("kind", kind.get());
    } else {
      params.putNull("kind");
    }
    // no deadline: a migration may take tens of minutes; cancel-install and shutdown abort() it
    client.callUntilAnswered("init", params);
    install.ifPresent(InstallProgress::checkCancelled);
  }

  /**
   * Cuts the connection to a booting runtime so its pending init fails. Never takes the lock (the
   * booting thread holds it) and changes no state: that thread's failure path does, under the lock.
   */
  void abort() {
    RuntimeClient c = client;
    if (c != null) {
      c.close();
    }
  }

  /** The runtime starts main; throws the package's message when it refuses. */
  void startMainLocked() {
    requireLock();
    client.call("start", NODES.nullNode(), START_TIMEOUT);
  }

  /**
   * Asks the runtime to stop main; a failure is only logged ({@code what} names the step) because
   * what follows tears down or marks idle anyway. Returns whether the runtime was there to ask.
   */
  boolean stopMainLocked(String what) {
    requireLock();
    RuntimeClient c = client;
    if (c != null && c.isOpen()) {
      try {
        c.call("stop", NODES.nullNode(), settings.stopTimeout().plusSeconds(10));
      } catch (RuntimeException e) {
        LOG.warn("{}: {} failed: {}", id, what, e.getMessage());
      }
      return true;
    }
    return false;
  }

  /**
   * Runs the package's {@code uninit} toward {@code target}; the runtime stops main itself, answers
   * and exits. The teardown that follows drops the client before that exit counts as a crash.
   */
  void uninitLocked(JsonNode target) {
    requireLock();
    ObjectNode params = NODES.objectNode();
    params.put("id", "exit-" + eventId());
    params.set("target", target);
    // no deadline, as init: an uninit toward an older version migrates the data back
    client.callUntilAnswered("exit", params);
  }

  /**
   * Stops the container and drops the runtime connection; a close noticed afterwards is not a crash
   * because the client is no longer current.
   */
  void teardownLocked() {
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

  /** Whether {@code c} is the current connection (not one torn down or replaced on purpose). */
  boolean isCurrentLocked(RuntimeClient c) {
    requireLock();
    return client == c;
  }

  /** Whether the connection to the runtime is up. */
  boolean connected() {
    RuntimeClient c = client;
    return c != null && c.isOpen();
  }

  /** Sends the runtime a callback it registered (a watched value changed). */
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

  /**
   * Runs a procedure ({@code /actions/<id>/getInput}, {@code /actions/<id>/run}) in the runtime and
   * waits for its answer. Reads the volatile client without the lock, like {@link #fireCallback}:
   * the procedure changes no lifecycle state, and it may call effects that take the lock (restart,
   * shutdown) while it runs.
   */
  JsonNode execute(String eventId, String procedure, JsonNode input, Duration timeout) {
    RuntimeClient c = client;
    if (c == null || !c.isOpen()) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST,
          id + "'s container is not up, so its actions cannot run; start it or wait for its boot");
    }
    ObjectNode params = NODES.objectNode();
    params.put("id", eventId);
    params.put("procedure", procedure);
    params.set("input", input);
    params.put("timeout", timeout.toMillis());
    // a little longer than the runtime's own timeout, so its message wins
    return c.call("execute", params, timeout.plusSeconds(5));
  }

  /** Re-creates the forwards of bindings recorded before (after a restart of startd). */
  private void restoreForwards() {
    Optional<Inet4Address> ip = backend.ip(id);
    if (ip.isEmpty()) {
      return;
    }
    Map<String, Host> hosts = db.packageEntry(id).map(PackageDataEntry::hosts).orElse(Map.of());
    for (Host h : hosts.values()) {
      for (Map.Entry<Integer, BindInfo> b : h.bindings().entrySet()) {
        Optional<Integer> port =
            Optional.ofNullable(b.getValue().net()).flatMap(NetInfo::assignedPort);
        if (port.isEmpty()) {
          continue;
        }
        PortForward f = PortForward.tcp(port.get(), ip.get(), b.getKey());
        if (!backend.forwards().contains(f)) {
          try {
            backend.forward(f);
          } catch (RuntimeException e) {
            LOG.warn("{}: cannot restore forward {}: {}", id, f, e.getMessage());
          }
        }
      }
    }
  }

  private void requireLock() {
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalStateException(
          "internal error: a container step of " + id + " ran without holding its service's lock");
    }
  }

  private static String eventId() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
