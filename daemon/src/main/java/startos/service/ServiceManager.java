package startos.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.container.ContainerBackend;
import startos.container.PortForward;
import startos.effects.EffectTable;
import startos.effects.PackageData;
import startos.effects.PortAllocator;
import startos.effects.ServiceHost;
import startos.effects.StandardEffects;
import startos.effects.Watches;
import startos.http.Continuations;
import startos.install.InstallProgress;
import startos.install.Installer;
import startos.install.VerifiedPackage;
import startos.logs.ServiceLog;
import startos.notification.Draft;
import startos.notification.NotificationLevel;
import startos.notification.Notifications;
import startos.patchdb.PatchDb;
import startos.patchdb.Subscription;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;
import startos.rpc.RpcRouter;
import startos.ssl.CertStore;
import startos.ssl.KeyAlgorithm;
import startos.ssl.LeafCertificate;

/**
 * Runs every installed package: installs, upgrades and removes them, boots their containers when
 * startd starts and brings each back to the state its user wanted. The one object the composition
 * root wires: construct, {@link #register}, {@link #startAll}, {@link #close}.
 */
public final class ServiceManager implements ServiceHost, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceManager.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final PatchDb db;
  private final ContainerBackend backend;
  private final CertStore certs;
  private final Notifications notifications;
  private final Continuations continuations;

  /** How often watched values that are not in the database are re-read. */
  private static final Duration OUTSIDE_RECHECK = Duration.ofSeconds(5);

  private final ServiceSettings settings;
  private final Installer installer;
  private final EffectTable effects;
  private final Watches watches;
  private final String bootId = ServiceLog.systemBootId();
  private final Map<String, Service> services = new ConcurrentHashMap<>();
  private final Map<String, ServiceLog> logs = new ConcurrentHashMap<>();
  private final Map<String, InstallProgress> installing = new ConcurrentHashMap<>();
  private final Map<String, ReentrantLock> packageLocks = new ConcurrentHashMap<>();
  private final Subscription changes;
  private final Thread watcher;
  private volatile boolean closed;

  public ServiceManager(
      PatchDb db,
      ContainerBackend backend,
      CertStore certs,
      Notifications notifications,
      Continuations continuations,
      ServiceSettings settings) {
    this.db = db;
    this.backend = backend;
    this.certs = certs;
    this.notifications = notifications;
    this.continuations = continuations;
    this.settings = settings;
    this.installer = new Installer(settings.arch(), settings.containerRootUid());
    this.watches = new Watches(this);
    this.effects = StandardEffects.table(db, this, watches);
    this.changes = db.subscribe("/public");
    this.watcher = Thread.ofVirtual().name("effect-watches").start(this::watchLoop);
  }

  public ServiceSettings settings() {
    return settings;
  }

  PatchDb db() {
    return db;
  }

  /** Effects without an implementation (they answer "not implemented: <name>"). */
  public List<String> unimplementedEffects() {
    return effects.notImplemented();
  }

  public void register(RpcRouter router) {
    new PackageMethods(this, continuations).register(router);
  }

  /**
   * Boots the container of every installed package and starts those whose user wanted them running;
   * forgets installs a crash interrupted. Failures are recorded per package and logged.
   */
  public void startAll() {
    prepareDirs();
    JsonNode all = db.get("/public/packageData").orElse(NODES.objectNode());
    List<Thread> boots = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : all.properties()) {
      String id = e.getKey();
      String state = PackageData.state(e.getValue());
      if (state.equals("updating") && e.getValue().path("stateInfo").path("manifest").isObject()) {
        LOG.warn("{} was updating when startd stopped; going back to the installed version", id);
        undoInterruptedUpdate(id, e.getValue());
        state = "installed";
      }
      if (!state.equals("installed")) {
        LOG.warn("{} was {} when startd stopped; removing the unfinished install", id, state);
        removeLeftovers(id, true);
        continue;
      }
      boolean wantRunning =
          e.getValue()
              .path("statusInfo")
              .path("desired")
              .path("main")
              .asText()
              .matches("running|restarting");
      Service s = service(id);
      boots.add(
          Thread.ofVirtual()
              .start(() -> {
                try {
                  s.boot(Optional.empty());
                  if (wantRunning) {
                    s.startMain();
                  }
                } catch (RuntimeException ex) {
                  LOG.warn("{} could not be brought back: {}", id, ex.getMessage());
                }
              }));
    }
    for (Thread t : boots) {
      try {
        t.join();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void prepareDirs() {
    try {
      Path packages = settings.dataDir().resolve("packages");
      Files.createDirectories(packages);
      Files.setPosixFilePermissions(packages, PosixFilePermissions.fromString("rwx--x--x"));
      Files.createDirectories(settings.dataDir().resolve("tmp"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare " + settings.dataDir(), e);
    }
  }

  // ---- public operations ----

  public Optional<Service> find(String id) {
    return Optional.ofNullable(services.get(id));
  }

  private Service require(String id) {
    Service s = services.get(id);
    if (s == null) {
      throw new RpcException(ErrorKind.NOT_FOUND, "package " + id + " is not installed");
    }
    return s;
  }

  public void start(String id) {
    require(id).startMain();
  }

  public void stop(String id) {
    require(id).stopMain();
  }

  public void restart(String id) {
    require(id).restartMain();
  }

  /** Installs (or updates to) the package in {@code file}; returns its id. */
  public String install(Path file) {
    return install(file, InstallProgress.local());
  }

  /**
   * Verifies the archive before writing anything, unpacks it, creates its volumes and runs its
   * init. A first install whose init fails leaves nothing behind; an update keeps the volumes.
   */
  public String install(Path file, InstallProgress progress) {
    prepareDirs();
    progress.start("Verifying");
    String id;
    try {
      id = installer.peekId(file);
    } catch (RuntimeException e) {
      progress.fail(e.getMessage());
      throw e;
    }
    ReentrantLock lock = packageLocks.computeIfAbsent(id, k -> new ReentrantLock());
    if (!lock.tryLock()) {
      installing.remove(id, progress); // registered by its upload
      RpcException busy =
          new RpcException(
              ErrorKind.INVALID_REQUEST, id + " is already being installed or changed");
      progress.fail(busy.getMessage());
      throw busy;
    }
    installing.put(id, progress);
    boolean updating = services.containsKey(id);
    try {
      progress.checkCancelled();
      VerifiedPackage pkg = installer.verify(file, progress);
      if (!pkg.id().equals(id)) {
        pkg.archive().close();
        throw new RpcException(
            ErrorKind.PARSE_S9PK, "the manifest of " + file.getFileName() + " changed while read");
      }
      try (var archive = pkg.archive()) {
        progress.finish("Verifying");
        if (updating) {
          update(pkg, progress);
        } else {
          firstInstall(pkg, progress);
        }
      }
      progress.complete();
      return id;
    } catch (RuntimeException e) {
      if (progress.isCancelled()) {
        String what = updating ? "the update of " + id : "the install of " + id;
        progress.fail(what + " was cancelled");
        LOG.info("{} was cancelled", what);
        throw new RpcException(ErrorKind.CANCELLED, what + " was cancelled", e);
      }
      progress.fail(e.getMessage());
      // as StartOS does: the whole error stays readable after the progress stream is gone
      notifications.notify(
          Draft.forPackage(
              id,
              NotificationLevel.ERROR,
              updating ? "Updating Failed" : "Installing Failed",
              String.valueOf(e.getMessage())));
      throw e;
    } finally {
      installing.remove(id);
      lock.unlock();
    }
  }

  private void firstInstall(VerifiedPackage pkg, InstallProgress progress) {
    String id = pkg.id();
    PackageLayout layout = settings.layout(id);
    removeLeftovers(id, false);
    progress.start("Unpacking");
    db.mutate(root -> {
      ObjectNode entry = PackageData.all(root).putObject(id);
      ObjectNode stateInfo = entry.putObject("stateInfo");
      stateInfo.put("state", "installing");
      ObjectNode info = stateInfo.putObject("installingInfo");
      info.set("newManifest", pkg.manifestJson().deepCopy());
      info.set("progress", progress.toJson());
      fillEntry(entry, pkg, layout);
      return null;
    });
    progress.listen(p -> publishProgress(id, p));
    Service service = null;
    try {
      installer.unpack(pkg, layout, progress);
      createVolumes(layout, pkg);
      progress.finish("Unpacking");
      progress.start("Initializing");
      service = service(id);
      service.boot(Optional.of("install"), Optional.of(progress));
      if (!progress.commit()) {
        progress.checkCancelled();
      }
      db.mutate(root -> {
        ObjectNode entry = PackageData.require(root, id);
        ObjectNode stateInfo = entry.putObject("stateInfo");
        stateInfo.put("state", "installed");
        stateInfo.set("manifest", pkg.manifestJson().deepCopy());
        return null;
      });
      service.log().append("startd: installed " + id + " " + pkg.version());
    } catch (RuntimeException e) {
      LOG.warn("install of {} failed: {}", id, e.getMessage());
      if (service != null) {
        service.shutdown();
      }
      // a cancelled first install leaves nothing, not even the volumes its init wrote
      removeLeftovers(id, true);
      if (progress.isCancelled()) {
        throw e;
      }
      throw new RpcException(
          ErrorKind.INSTALL_FAILED, "installing " + id + " failed: " + e.getMessage(), e);
    }
  }

  /** What an update swaps; everything else (volumes, logs) stays. */
  private static final List<String> PACKAGE_PARTS =
      List.of("package.s9pk", "javascript.squashfs", "assets.squashfs", "images", "image-meta");

  private void update(VerifiedPackage pkg, InstallProgress progress) {
    String id = pkg.id();
    Service old = services.get(id);
    PackageLayout layout = settings.layout(id);
    JsonNode oldManifest =
        db.get(PackageData.pointer(id) + "/stateInfo/manifest").orElse(NODES.nullNode());
    boolean wasRunning = old.state() instanceof ServiceState.Running;
    progress.start("Unpacking");
    db.mutate(root -> {
      ObjectNode entry = PackageData.require(root, id);
      ObjectNode stateInfo = entry.putObject("stateInfo");
      stateInfo.put("state", "updating");
      stateInfo.set("manifest", oldManifest.deepCopy());
      stateInfo.put("s9pk", layout.s9pk().toString());
      ObjectNode info = stateInfo.putObject("installingInfo");
      info.set("newManifest", pkg.manifestJson().deepCopy());
      info.set("progress", progress.toJson());
      return null;
    });
    progress.listen(p -> publishProgress(id, p));
    Path staging = settings.dataDir().resolve("tmp").resolve("update-" + id);
    Path previous = settings.dataDir().resolve("tmp").resolve("previous-" + id);
    PackageLayout.deleteTree(staging);
    PackageLayout.deleteTree(previous);
    try {
      installer.unpack(pkg, new PackageLayout(staging), progress);
      progress.checkCancelled();
    } catch (RuntimeException e) {
      PackageLayout.deleteTree(staging);
      restoreInstalled(id, oldManifest);
      if (progress.isCancelled()) {
        throw e;
      }
      throw new RpcException(
          ErrorKind.INSTALL_FAILED, "updating " + id + " failed: " + e.getMessage(), e);
    }
    old.exit(NODES.textNode(pkg.version()));
    // swap everything but the volumes, keeping the old files until the new version committed
    movePartsTo(layout.dir(), previous);
    markComplete(previous);
    movePartsTo(staging, layout.dir());
    PackageLayout.deleteTree(staging);
    createVolumes(layout, pkg);
    progress.finish("Unpacking");
    progress.start("Initializing");
    try {
      progress.checkCancelled();
      old.boot(Optional.of("update"), Optional.of(progress));
      if (!progress.commit()) {
        old.shutdown();
        progress.checkCancelled();
      }
    } catch (RuntimeException e) {
      if (progress.isCancelled()) {
        rollBack(id, old, layout, previous, oldManifest, wasRunning);
        throw e;
      }
      PackageLayout.deleteTree(previous);
      restoreInstalled(id, pkg.manifestJson());
      throw new RpcException(
          ErrorKind.INSTALL_FAILED, "updating " + id + " failed: " + e.getMessage(), e);
    }
    PackageLayout.deleteTree(previous);
    db.mutate(root -> {
      fillEntry(PackageData.require(root, id), pkg, layout);
      return null;
    });
    restoreInstalled(id, pkg.manifestJson());
    old.log().append("startd: updated " + id + " to " + pkg.version());
    if (wasRunning) {
      old.startMain();
    }
  }

  /**
   * Undoes a cancelled update as StartOS does: the old files back in place, the old version
   * installed, its container booted (init with no kind) and main started if it ran before.
   */
  private void rollBack(
      String id,
      Service service,
      PackageLayout layout,
      Path previous,
      JsonNode oldManifest,
      boolean wasRunning) {
    service.shutdown();
    for (String part : PACKAGE_PARTS) {
      PackageLayout.deleteTree(layout.dir().resolve(part));
    }
    movePartsTo(previous, layout.dir());
    PackageLayout.deleteTree(previous);
    restoreInstalled(id, oldManifest);
    service.log().append("startd: update of " + id + " cancelled; back to the installed version");
    try {
      service.boot(Optional.empty());
      if (wasRunning) {
        service.startMain();
      }
    } catch (RuntimeException e) {
      LOG.warn("{} could not be brought back after a cancelled update: {}", id, e.getMessage());
    }
  }

  /** Written once every old part is in {@code previous}: from then on the package dir is new. */
  private static final String COMPLETE = ".complete";

  private static void markComplete(Path previous) {
    try {
      Files.writeString(previous.resolve(COMPLETE), "");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot mark " + previous + " complete", e);
    }
  }

  /**
   * An update a crash interrupted: the old version's files go back where they were (the new ones,
   * staged or swapped in, are dropped), its volumes stay, and it is installed again.
   */
  private void undoInterruptedUpdate(String id, JsonNode entry) {
    PackageLayout layout = settings.layout(id);
    Path tmp = settings.dataDir().resolve("tmp");
    Path previous = tmp.resolve("previous-" + id);
    if (Files.isDirectory(previous)) {
      if (Files.exists(previous.resolve(COMPLETE))) {
        for (String part : PACKAGE_PARTS) {
          PackageLayout.deleteTree(layout.dir().resolve(part));
        }
      }
      // otherwise the crash came while moving the old parts out: the rest are still in place
      movePartsTo(previous, layout.dir());
    }
    PackageLayout.deleteTree(previous);
    PackageLayout.deleteTree(tmp.resolve("update-" + id));
    restoreInstalled(id, entry.path("stateInfo").path("manifest"));
  }

  private static void movePartsTo(Path from, Path to) {
    try {
      Files.createDirectories(to);
      for (String part : PACKAGE_PARTS) {
        Path source = from.resolve(part);
        if (Files.exists(source)) {
          PackageLayout.deleteTree(to.resolve(part));
          Files.move(source, to.resolve(part));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move package files from " + from + " to " + to, e);
    }
  }

  private void restoreInstalled(String id, JsonNode manifest) {
    db.mutate(root -> {
      ObjectNode entry = PackageData.require(root, id);
      ObjectNode stateInfo = entry.putObject("stateInfo");
      stateInfo.put("state", "installed");
      stateInfo.set("manifest", manifest.deepCopy());
      return null;
    });
  }

  private static void fillEntry(ObjectNode entry, VerifiedPackage pkg, PackageLayout layout) {
    entry.put("s9pk", layout.s9pk().toString());
    if (!entry.has("statusInfo")) {
      ObjectNode status = entry.putObject("statusInfo");
      status.putObject("health");
      status.putNull("error");
      status.putNull("started");
      status.putObject("desired").put("main", "stopped");
    }
    entry.putNull("registry");
    entry.put("developerKey", pkg.developerKey());
    entry.put("icon", pkg.icon());
    if (!entry.has("lastBackup")) {
      entry.putNull("lastBackup");
    }
    PackageData.object(entry, "currentDependencies");
    PackageData.object(entry, "actions");
    PackageData.object(entry, "tasks");
    PackageData.object(entry, "hosts");
    if (!entry.has("storeExposedDependents")) {
      entry.putArray("storeExposedDependents");
    }
    if (!entry.has("outboundGateway")) {
      entry.putNull("outboundGateway");
    }
  }

  private void createVolumes(PackageLayout layout, VerifiedPackage pkg) {
    try {
      Files.createDirectories(layout.volumes());
      String owner = settings.containerRootUid() + ":" + settings.containerRootUid();
      for (String volume : pkg.manifest().volumes()) {
        Path dir = layout.volumes().resolve(volume);
        if (!Files.isDirectory(dir)) {
          Files.createDirectories(dir);
          HostCommands.run(
              "hand volume " + volume + " to the container", "chown", owner, dir.toString());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the volumes of " + pkg.id(), e);
    }
  }

  private void publishProgress(String id, InstallProgress progress) {
    if (progress.isOver()) {
      return;
    }
    try {
      db.mutate(root -> {
        PackageData.entry(root, id)
            .ifPresent(entry -> {
              JsonNode info = entry.path("stateInfo").path("installingInfo");
              if (info instanceof ObjectNode o) {
                o.set("progress", progress.toJson());
              }
            });
        return null;
      });
    } catch (RuntimeException e) {
      LOG.debug("cannot publish install progress of {}: {}", id, e.getMessage());
    }
  }

  /**
   * Removes a package: runs its uninit, destroys its container, its forwards and ports, its files
   * and its database entry. {@code soft} keeps the volumes (and data version) for a reinstall.
   */
  public void uninstall(String id, boolean soft, boolean force) {
    ReentrantLock lock = packageLocks.computeIfAbsent(id, k -> new ReentrantLock());
    lock.lock();
    try {
      Service s = services.get(id);
      if (s == null && db.get(PackageData.pointer(id)).isEmpty()) {
        throw new RpcException(ErrorKind.NOT_FOUND, "package " + id + " is not installed");
      }
      db.mutate(root -> {
        PackageData.entry(root, id)
            .ifPresent(entry -> {
              JsonNode manifest = PackageData.manifest(entry).orElse(NODES.nullNode());
              ObjectNode stateInfo = entry.putObject("stateInfo");
              stateInfo.put("state", "removing");
              stateInfo.set("manifest", manifest.deepCopy());
            });
        return null;
      });
      if (s != null) {
        try {
          s.exit(NODES.nullNode());
        } catch (RuntimeException e) {
          if (!force) {
            throw e;
          }
          s.shutdown();
        }
      }
      removeLeftovers(id, !soft);
    } finally {
      lock.unlock();
    }
  }

  /** Destroys the container and everything of {@code id} except, unless {@code all}, volumes. */
  private void removeLeftovers(String id, boolean all) {
    Service s = services.remove(id);
    if (s != null) {
      s.shutdown();
    }
    List<PortForward> ours = new ArrayList<>();
    Optional<Inet4Address> ip = backend.ip(id);
    ip.ifPresent(addr ->
        backend.forwards().stream().filter(f -> f.containerIp().equals(addr)).forEach(ours::add));
    ours.forEach(backend::unforward);
    try {
      backend.destroy(id);
      backend.releaseAddress(id);
    } catch (RuntimeException e) {
      LOG.warn("cannot destroy the container of {}: {}", id, e.getMessage());
    }
    db.mutate(root -> {
      PackageData.entry(root, id)
          .ifPresent(entry -> {
            PortAllocator ports = new PortAllocator(root);
            for (JsonNode h : entry.path("hosts")) {
              for (JsonNode b : h.path("bindings")) {
                JsonNode net = b.path("net");
                if (net.path("assignedPort").canConvertToInt()) {
                  ports.release(net.get("assignedPort").asInt());
                }
                if (net.path("assignedSslPort").canConvertToInt()) {
                  ports.release(net.get("assignedSslPort").asInt());
                }
              }
            }
          });
      PackageData.all(root).remove(id);
      return null;
    });
    PackageLayout layout = settings.layout(id);
    HostMounts.unmountAll(layout.dir());
    if (all) {
      PackageLayout.deleteTree(layout.dir());
      ServiceLog log = logs.remove(id);
      if (log != null) {
        log.close();
      }
      PackageLayout.deleteTree(settings.logsDir(id));
    } else if (Files.isDirectory(layout.dir())) {
      try (var children = Files.list(layout.dir())) {
        for (Path child : children.toList()) {
          if (!child.equals(layout.volumes())) {
            PackageLayout.deleteTree(child);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot clean " + layout.dir(), e);
      }
    }
  }

  /** Re-creates the container from the installed files (e.g. after the runtime image changed). */
  public void rebuild(String id) {
    Service s = require(id);
    boolean wasRunning = s.state() instanceof ServiceState.Running;
    s.shutdown();
    backend.destroy(id);
    s.boot(Optional.empty());
    if (wasRunning) {
      s.startMain();
    }
  }

  /** A sideload of {@code id} is uploading: from now on cancel-install can stop it. */
  void uploadStarted(String id, InstallProgress progress) {
    installing.putIfAbsent(id, progress);
  }

  /** The upload of {@code id} ended without reaching the install. */
  void uploadEnded(String id, InstallProgress progress) {
    installing.remove(id, progress);
  }

  /**
   * Stops the install or update of {@code id} in progress and returns once it has undone
   * everything: a first install leaves nothing behind, an update leaves the old version running as
   * before.
   */
  public void cancelInstall(String id) {
    InstallProgress p = installing.get(id);
    if (p == null) {
      throw new RpcException(ErrorKind.NOT_FOUND, "no install of " + id + " is in progress");
    }
    if (!p.cancel()) {
      throw new RpcException(
          ErrorKind.INVALID_REQUEST, "the install of " + id + " has already finished");
    }
    // the installing thread holds the package lock until it has cleaned up
    ReentrantLock lock = packageLocks.computeIfAbsent(id, k -> new ReentrantLock());
    try {
      if (lock.tryLock(settings.stopTimeout().plusMinutes(2).toMillis(), TimeUnit.MILLISECONDS)) {
        lock.unlock();
      } else {
        throw new RpcException(
            ErrorKind.TIMEOUT, "the install of " + id + " is still cleaning up after the cancel");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RpcException(ErrorKind.CANCELLED, "interrupted while cancelling " + id);
    }
  }

  ServiceLog log(String id) {
    return logs.computeIfAbsent(id, k -> new ServiceLog(settings.logsDir(k), bootId));
  }

  private Service service(String id) {
    return services.computeIfAbsent(
        id, k -> new Service(k, settings, backend, db, effects, watches, log(k)));
  }

  // ---- ServiceHost: what effects ask of the service layer ----

  @Override
  public void requestRestart(String packageId) {
    Service s = require(packageId);
    // the caller is the package's own runtime: answer it first, restart afterwards
    Thread.ofVirtual()
        .start(() -> {
          try {
            s.restartMain();
          } catch (RuntimeException e) {
            LOG.warn("restart of {} requested by itself failed: {}", packageId, e.getMessage());
          }
        });
  }

  @Override
  public void requestShutdown(String packageId) {
    Service s = require(packageId);
    Thread.ofVirtual()
        .start(() -> {
          try {
            s.stopMain();
          } catch (RuntimeException e) {
            LOG.warn("shutdown of {} requested by itself failed: {}", packageId, e.getMessage());
          }
        });
  }

  @Override
  public List<String> createFs(String packageId, String imageId, Optional<String> name) {
    return require(packageId).createFs(imageId, name);
  }

  @Override
  public void destroyFs(String packageId, String guid) {
    require(packageId).destroyFs(guid);
  }

  @Override
  public void mount(String packageId, Path source, String location, boolean readOnly) {
    require(packageId).mount(source, location, readOnly);
  }

  @Override
  public Path volumesDir(String packageId) {
    return settings.layout(packageId).volumes();
  }

  @Override
  public Optional<String> containerIp(String packageId) {
    return backend.ip(packageId).map(Inet4Address::getHostAddress);
  }

  @Override
  public String osIp() {
    return settings.osIp();
  }

  @Override
  public void forward(String packageId, int hostPort, int internalPort) {
    Inet4Address ip =
        backend
            .ip(packageId)
            .orElseThrow(() ->
                new RpcException(ErrorKind.NETWORK, packageId + " has no container address yet"));
    PortForward f = PortForward.tcp(hostPort, ip, internalPort);
    if (!backend.forwards().contains(f)) {
      backend.forward(f);
    }
  }

  @Override
  public void unforward(String packageId, int hostPort, int internalPort) {
    backend
        .ip(packageId)
        .ifPresent(ip -> backend.unforward(PortForward.tcp(hostPort, ip, internalPort)));
  }

  @Override
  public void notify(String packageId, String level, String title, String message, JsonNode data) {
    notifications.notify(
        new Draft(Optional.of(packageId), NotificationLevel.parse(level), title, message, 0, data));
  }

  @Override
  public List<String> certificateChain(List<String> hostnames, String algorithm) {
    LeafCertificate leaf = leaf(hostnames, algorithm);
    List<String> pems = new ArrayList<>();
    for (X509Certificate c : leaf.chain()) {
      pems.add(startos.ssl.Pem.encode(c));
    }
    return pems;
  }

  @Override
  public String certificateKey(List<String> hostnames, String algorithm) {
    return leaf(hostnames, algorithm).keyPem();
  }

  private LeafCertificate leaf(List<String> hostnames, String algorithm) {
    try {
      return certs
          .certFor(Set.copyOf(hostnames))
          .leaf(algorithm.equals("ed25519") ? KeyAlgorithm.ED25519 : KeyAlgorithm.ECDSA);
    } catch (RuntimeException e) {
      throw new RpcException(
          ErrorKind.OPEN_SSL,
          "cannot issue a certificate for " + hostnames + ": " + e.getMessage(),
          e);
    }
  }

  @Override
  public void setInitProgress(String packageId, JsonNode progress) {
    InstallProgress p = installing.get(packageId);
    if (p != null && !p.isOver()) {
      p.nested("Initializing", progress);
    }
  }

  @Override
  public boolean fireCallback(String packageId, long callbackId, JsonNode args) {
    Service s = services.get(packageId);
    if (s == null) {
      return false;
    }
    try {
      s.fireCallback(callbackId, args);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private void watchLoop() {
    long lastCheck = System.nanoTime();
    while (!closed) {
      try {
        boolean changed = changes.poll(Duration.ofSeconds(1)).isPresent();
        while (changed && changes.poll(Duration.ZERO).isPresent()) {
          // coalesce a burst of revisions into one recheck
        }
        // some watched values live outside the database (the default route): re-read them too
        if (changed || System.nanoTime() - lastCheck > OUTSIDE_RECHECK.toNanos()) {
          lastCheck = System.nanoTime();
          if (changed || watches.size() > 0) {
            watches.recheck();
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("rechecking watched values failed: {}", e.getMessage());
      }
    }
  }

  /** Shuts every container down (in parallel) without changing what users asked for. */
  @Override
  public void close() {
    closed = true;
    watcher.interrupt();
    changes.close();
    List<Thread> stops = new ArrayList<>();
    for (Service s : services.values()) {
      stops.add(Thread.ofVirtual().start(s::shutdown));
    }
    for (Thread t : stops) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    logs.values().forEach(ServiceLog::close);
  }
}
