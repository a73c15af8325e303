package startos.service;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.action.ActionMethods;
import startos.action.PackageActions;
import startos.container.ContainerBackend;
import startos.container.Limits;
import startos.effects.EffectTable;
import startos.effects.ServiceHost;
import startos.effects.StandardEffects;
import startos.effects.Watches;
import startos.http.Continuations;
import startos.install.InstallProgress;
import startos.install.Installer;
import startos.logs.ServiceLog;
import startos.model.Database;
import startos.model.PackageDataEntry;
import startos.model.PackageState;
import startos.model.ServiceLimits;
import startos.notification.Notifications;
import startos.patchdb.PatchDb;
import startos.patchdb.Subscription;
import startos.rpc.ErrorKind;
import startos.rpc.RpcException;
import startos.rpc.RpcRouter;
import startos.s9pk.manifest.Manifest;
import startos.ssl.CertStore;

/**
 * Runs every installed package: boots their containers when startd starts and brings each back to
 * the state its user wanted; installs and updates go to {@link PackageInstalls} (an update on to
 * {@link PackageUpdate}), removals and the leftovers of interrupted installs to {@link
 * PackageRemoval}, what effects ask of the host to {@link ServiceHostAdapter}. The one object the
 * composition root wires: construct, {@link #register}, {@link #startAll}, {@link #close}.
 */
public final class ServiceManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ServiceManager.class);

  private final PatchDb db;
  private final Database model;
  private final ContainerBackend backend;
  private final Continuations continuations;

  /** How often watched values that are not in the database are re-read. */
  private static final Duration OUTSIDE_RECHECK = Duration.ofSeconds(5);

  private final ServiceSettings settings;
  private final EffectTable effects;
  private final Watches watches;
  private final String bootId = ServiceLog.systemBootId();
  private final ServiceTables tables = ServiceTables.empty();
  private final PackageInstalls installs;
  private final PackageUpdate updates;
  private final PackageRemoval removal;
  private final DiskWatch disks;
  private final Subscription changes;
  private final Thread watcher;
  private volatile boolean closed;
  private final PackageActions actions;

  public ServiceManager(
      PatchDb db,
      ContainerBackend backend,
      CertStore certs,
      Notifications notifications,
      Continuations continuations,
      ServiceSettings settings) {
    this.db = db;
    this.backend = backend;
    this.continuations = continuations;
    this.settings = settings;
    ServiceHost host = new ServiceHostAdapter(settings, backend, certs, notifications, tables);
    this.watches = new Watches(host);
    this.effects = StandardEffects.table(db, host, watches);
    this.model = new Database(db);
    InstallEntries entries = new InstallEntries(model, tables);
    this.actions = new PackageActions(model, host);
    Installer installer = new Installer(settings.arch(), settings::rootUid);
    this.removal = new PackageRemoval(backend, settings, entries, tables);
    this.updates = new PackageUpdate(settings, installer, entries, tables);
    this.installs =
        new PackageInstalls(
            settings, installer, notifications, tables, entries, updates, removal, this::service);
    this.disks = new DiskWatch(settings, notifications, this::log);
    this.changes = model.subscribePublic();
    this.watcher = Thread.ofVirtual().name("effect-watches").start(this::watchLoop);
  }

  public ServiceSettings settings() {
    return settings;
  }

  /** The typed database (what the package methods read). */
  Database model() {
    return model;
  }

  /** The containers the services run in (for stats and limits; every start goes through here). */
  public ContainerBackend backend() {
    return backend;
  }

  /** Effects without an implementation (they answer "not implemented: <name>"). */
  public List<String> unimplementedEffects() {
    return effects.notImplemented();
  }

  public void register(RpcRouter router) {
    new PackageMethods(this, continuations).register(router);
    new ActionMethods(actions).register(router);
  }

  /**
   * Boots the container of every installed package and starts those whose user wanted them running;
   * forgets installs a crash interrupted. Failures are recorded per package and logged.
   */
  public void startAll() {
    installs.prepareDirs();
    List<Thread> boots = new ArrayList<>();
    for (Map.Entry<String, PackageDataEntry> e : model.packages().entrySet()) {
      String id = e.getKey();
      if (!Manifest.ID.matcher(id).matches()) {
        // the database is not trusted to hold only ids: a key like "../x" must never become a path
        LOG.error("skipping package entry '{}' in the database: it is not a package id", id);
        continue;
      }
      PackageState state = e.getValue().stateInfo();
      boolean installed =
          switch (state) {
            case PackageState.Installed i -> true;
            case PackageState.Updating u when u.manifest() != null && u.manifest().isObject() -> {
              LOG.warn(
                  "{} was updating when startd stopped; going back to the installed version", id);
              updates.undoInterrupted(id, u.manifest());
              yield true;
            }
            case PackageState.Updating u -> false;
            case PackageState.Installing i -> false;
            case PackageState.Restoring r -> false;
            case PackageState.Removing r -> false;
          };
      if (!installed) {
        LOG.warn(
            "{} was {} when startd stopped; removing the unfinished install", id, state.word());
        removal.removeLeftovers(id, true);
        continue;
      }
      boolean wantRunning = ServiceStatus.wantsRunning(e.getValue().statusInfo().desired());
      try {
        // before any container starts: a dependent may mount this package's volumes at once
        PackageDisk.mount(settings.layout(id), id);
      } catch (RuntimeException ex) {
        LOG.warn("cannot mount the disk of {}: {}", id, ex.getMessage());
      }
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

  // ---- public operations ----

  public Optional<Service> find(String id) {
    return Optional.ofNullable(tables.services().get(id));
  }

  private Service require(String id) {
    return tables.require(id);
  }

  public void start(String id) {
    start(id, false);
  }

  /**
   * Starts the service's main; refused while it has an active critical task (StartOS's rule: the
   * service cannot work until that action ran), unless {@code force}.
   */
  public void start(String id, boolean force) {
    Service s = require(id);
    if (!force) {
      actions
          .criticalTaskBlockingStart(id)
          .ifPresent(why -> {
            throw new RpcException(ErrorKind.INVALID_REQUEST, why);
          });
    }
    s.startMain();
  }

  /** The limits {@code id}'s container starts with (the defaults, then the admin's). */
  public Limits limits(String id) {
    return require(id).limits();
  }

  /** startd's defaults overridden by {@code admin}; a ContainerException when one is invalid. */
  public Limits limitsWith(ServiceLimits admin) {
    return ContainerSetup.limits(settings, admin);
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
    return install(file, progress, KeyChange.REFUSE);
  }

  /**
   * As {@link #install(Path, InstallProgress)}; {@code keyChange} says whether a package signed by
   * another developer key than the installed one (or the one whose volumes were kept) may take
   * over.
   */
  public String install(Path file, InstallProgress progress, KeyChange keyChange) {
    return installs.install(file, progress, keyChange);
  }

  /**
   * Removes a package: runs its uninit, destroys its container, its forwards and ports, its files
   * and its database entry. {@code soft} keeps the volumes (and data version) for a reinstall.
   */
  public void uninstall(String id, boolean soft, boolean force) {
    removal.uninstall(id, soft, force);
  }

  /** Re-creates the container from the installed files (e.g. after the runtime image changed). */
  public void rebuild(String id) {
    require(id).rebuild();
  }

  /**
   * Refuses, before the long verification, an archive that would take over the data of a package
   * signed by another developer key (see {@link KeyChange}).
   */
  void checkSigner(Path file, KeyChange keyChange) {
    installs.checkSigner(file, keyChange);
  }

  /** A sideload of {@code id} is uploading: from now on cancel-install can stop it. */
  void uploadStarted(String id, InstallProgress progress) {
    installs.uploadStarted(id, progress);
  }

  /** The upload of {@code id} ended without reaching the install. */
  void uploadEnded(String id, InstallProgress progress) {
    installs.uploadEnded(id, progress);
  }

  /**
   * Stops the install or update of {@code id} in progress and returns once it has undone
   * everything: a first install leaves nothing behind, an update leaves the old version running as
   * before.
   */
  public void cancelInstall(String id) {
    installs.cancelInstall(id);
  }

  ServiceLog log(String id) {
    return tables.logs().computeIfAbsent(id, k -> new ServiceLog(settings.logsDir(k), bootId));
  }

  private Service service(String id) {
    return tables
        .services()
        .computeIfAbsent(
            id,
            k ->
                new Service(
                    k,
                    settings,
                    backend,
                    model,
                    effects,
                    watches,
                    log(k),
                    actions::recheckTasksOn));
  }

  private void watchLoop() {
    long lastCheck = System.nanoTime();
    long lastDiskCheck = System.nanoTime();
    while (!closed) {
      try {
        if (System.nanoTime() - lastDiskCheck > OUTSIDE_RECHECK.toNanos()) {
          lastDiskCheck = System.nanoTime();
          disks.check(tables.services());
        }
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

  /**
   * Shuts every container down (in parallel) without changing what users asked for, within {@link
   * #shutdownBound}: a service still stopping then has its container killed, because startd is
   * exiting (SIGTERM) and its next start cleans up whatever is left. Blocking.
   */
  @Override
  public void close() {
    closed = true;
    watcher.interrupt();
    changes.close();
    Map<String, Thread> stops = new LinkedHashMap<>();
    tables
        .services()
        .forEach(
            (id, s) -> stops.put(id, Thread.ofVirtual().name("shutdown-" + id).start(s::shutdown)));
    long deadline = System.nanoTime() + shutdownBound().toNanos();
    List<String> late = new ArrayList<>();
    for (Map.Entry<String, Thread> stop : stops.entrySet()) {
      try {
        long left = Math.max(0, deadline - System.nanoTime());
        if (!stop.getValue().join(Duration.ofNanos(left))) {
          late.add(stop.getKey());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        late.add(stop.getKey());
      }
    }
    for (String id : late) {
      LOG.warn(
          "{} did not stop within {} s; killing its container", id, shutdownBound().toSeconds());
      try {
        backend.stop(id, Duration.ZERO);
      } catch (RuntimeException e) {
        LOG.warn("{}: cannot kill its container: {}", id, e.getMessage());
      }
    }
    // after every container: nothing of a package (nor a dependent's bind) uses its disk now
    for (String id : tables.services().keySet()) {
      try {
        PackageDisk.unmount(settings.layout(id));
      } catch (RuntimeException e) {
        LOG.warn("cannot unmount the disk of {}: {}", id, e.getMessage());
      }
    }
    tables.logs().values().forEach(ServiceLog::close);
  }

  /** Checks {@code id}'s disk now, as the watch loop does every few seconds (tests). */
  boolean checkDisk(String id) {
    return disks.check(id);
  }

  /**
   * The longest an orderly stop of a service takes: main's stop (its timeout plus 10 s for the
   * answer), then the container's (its timeout), plus time for LXC.
   */
  private Duration shutdownBound() {
    return settings.stopTimeout().multipliedBy(2).plusSeconds(30);
  }
}
