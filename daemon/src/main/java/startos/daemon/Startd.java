package startos.daemon;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import startos.auth.AuthMethods;
import startos.auth.EncryptionKey;
import startos.auth.LocalAuthCookie;
import startos.auth.LoginRateLimiter;
import startos.auth.Sessions;
import startos.container.ContainerException;
import startos.container.HostClaim;
import startos.container.HostNamespace;
import startos.container.LxcBackend;
import startos.container.LxcSettings;
import startos.container.Subnet;
import startos.db.DbMethods;
import startos.dependency.DependencyMethods;
import startos.http.Continuations;
import startos.http.HttpServer;
import startos.http.HttpStartException;
import startos.http.ServerNames;
import startos.model.Database;
import startos.model.ModelException;
import startos.model.Slots;
import startos.notification.Notifications;
import startos.patchdb.PatchDb;
import startos.patchdb.PatchDbException;
import startos.resources.PackageResources;
import startos.rpc.RpcDispatcher;
import startos.rpc.RpcRouter;
import startos.rpc.SetupState;
import startos.server.ServerApi;
import startos.service.ServiceManager;
import startos.service.ServiceSettings;
import startos.setup.InfoPage;
import startos.setup.InitialDb;
import startos.setup.SetupApi;
import startos.setup.SetupEncryption;
import startos.smtp.SmtpMethods;
import startos.ssl.CertStore;

/**
 * The composition root: builds every part of startd by hand, in dependency order, and tears it down
 * in reverse. Nothing in the data dir is written before the database opened and the port is bound,
 * so a failed start leaves the data dir as it was.
 */
public final class Startd implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Startd.class);

  private final Config config;
  private final PatchDb db;
  private final Database database;
  private final RpcRouter router;
  private final Continuations continuations;
  private final HttpServer http;
  private final ServiceManager services;
  private final Optional<HostClaim> claim;

  private Startd(
      Config config,
      PatchDb db,
      Database database,
      RpcRouter router,
      Continuations continuations,
      HttpServer http,
      ServiceManager services,
      Optional<HostClaim> claim) {
    this.config = config;
    this.claim = claim;
    this.db = db;
    this.database = database;
    this.router = router;
    this.continuations = continuations;
    this.http = http;
    this.services = services;
  }

  /**
   * Starts startd.
   *
   * @throws StartupException with one clear sentence when it cannot (data dir unwritable, database
   *     corrupt, port in use)
   */
  public static Startd start(Config config) {
    Path dataDir = prepareDataDir(config.dataDir());
    // before anything is opened or removed: the containers of another startd must stay untouched
    Optional<HostClaim> claim = claim(config.containers(), config.claimWait());
    try {
      return start(config, dataDir, claim);
    } catch (RuntimeException e) {
      claim.ifPresent(HostClaim::close);
      throw e;
    }
  }

  /** The machine-wide claim on the containers' names; empty where containers cannot run. */
  private static Optional<HostClaim> claim(HostNamespace ns, Duration wait) {
    try {
      return Optional.of(HostClaim.acquire(ns, wait));
    } catch (HostClaim.AccessDenied e) {
      LOG.warn("containers are unavailable on this machine: {}", e.getMessage());
      return Optional.empty();
    } catch (ContainerException e) {
      throw new StartupException(e.getMessage(), e);
    }
  }

  private static Startd start(Config config, Path dataDir, Optional<HostClaim> claim) {
    Path dbDir = dataDir.resolve("db");
    PatchDb db;
    try {
      db = PatchDb.open(dbDir);
    } catch (PatchDbException | UncheckedIOException e) {
      String message = String.valueOf(e.getMessage());
      String advice =
          message.contains("already open")
              ? "is another startd running on this data directory?"
              : "nothing was changed; restore it from a backup or move it aside to start fresh";
      throw new StartupException(
          "cannot open the database in %s: %s (%s)".formatted(dbDir, message, advice), e);
    }
    try {
      return assemble(config, dataDir, db, claim);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  private static Startd assemble(
      Config config, Path dataDir, PatchDb db, Optional<HostClaim> claim) {
    InstantSource clock = InstantSource.system();
    AtomicReference<String> state = new AtomicReference<>("initializing");
    // the one typed view of the document, shared by every feature
    Database database = new Database(db);
    SetupState setup = () -> database.read(Slots.SETUP_COMPLETE);

    Continuations continuations = new Continuations(clock, config.continuationTtl());
    Sessions sessions = new Sessions(database, clock);
    sessions.onEnd(continuations::endSession);

    RpcRouter router = new RpcRouter();
    new CoreMethods(state::get).register(router);
    EncryptionKey key = EncryptionKey.generate();
    SetupEncryption jwe = new SetupEncryption(key.keyPair());
    new AuthMethods(database, sessions, new LoginRateLimiter(clock), key, jwe::decrypt)
        .register(router);
    new DbMethods(db, continuations).register(router);
    // feature wiring: the setup wizard, server.* and notification.* (startos.setup, .server,
    // .notification; the local CA in startos.ssl is used by setup)
    new SetupApi(database).register(router);
    new ServerApi(database, dataDir).register(router);
    SmtpMethods.of(database, dataDir).register(router);
    Notifications notifications = new Notifications(database);
    notifications.register(router);
    LxcSettings lxc =
        LxcSettings.defaults(dataDir.resolve("lxc")).withNamespace(config.containers());
    ServiceManager services =
        services(config, lxc, dataDir, db, notifications, continuations, claim.isPresent());
    services.register(router);
    new DependencyMethods(database).register(router);
    new PackageResources(services, services.backend(), database).register(router);
    Map<String, HttpServer.Page> pages = Map.of(InfoPage.PATH, () -> InfoPage.render(database));

    LocalAuthCookie localCookie = LocalAuthCookie.generate();
    HttpServer http;
    try {
      http =
          HttpServer.start(
              config.host(),
              config.port(),
              new HttpServer.Routes(
                  new RpcDispatcher(router, setup),
                  sessions,
                  localCookie,
                  db,
                  continuations,
                  config.webRoot(),
                  pages,
                  new ServerNames(config.host(), () -> hostname(database)),
                  address -> isPackageAddress(lxc.subnet(), address)));
    } catch (HttpStartException e) {
      services.close();
      continuations.close();
      throw new StartupException(e.getMessage(), e);
    }
    try {
      // only now that the port is ours: a start that fails earlier must not touch the data dir
      InitialDb.boot(database);
      localCookie.writeTo(dataDir.resolve(LocalAuthCookie.FILE_NAME));
      privateDir(dataDir.resolve("logs"));
    } catch (UncheckedIOException e) {
      services.close();
      http.close();
      continuations.close();
      throw new StartupException(e.getMessage() + ": " + e.getCause().getMessage(), e);
    } catch (PatchDbException | ModelException e) {
      services.close();
      http.close();
      continuations.close();
      throw new StartupException("cannot prepare the database: " + e.getMessage(), e);
    }
    state.set("running");
    LOG.info("startd listening on {} (data dir {})", http.url(), dataDir);
    // services come back in the background: a slow container must not hold the API hostage
    Thread.ofVirtual().name("services-start").start(() -> startServices(services));
    return new Startd(config, db, database, router, continuations, http, services, claim);
  }

  /**
   * The package lifecycle over real LXC. Leftovers of a crashed startd (mounts, containers, nft
   * rules) are removed first, only under this startd's {@link HostClaim} ({@code claimed}); where
   * containers cannot run (not root, no LXC) startd still serves and package methods answer with
   * the backend's error.
   */
  private static ServiceManager services(
      Config config,
      LxcSettings lxc,
      Path dataDir,
      PatchDb db,
      Notifications notifications,
      Continuations continuations,
      boolean claimed) {
    LxcBackend backend = new LxcBackend(lxc);
    if (claimed) {
      try {
        backend.cleanupAll();
      } catch (ContainerException e) {
        LOG.warn("containers are unavailable on this machine: {}", e.getMessage());
      }
    }
    Path image = config.effectiveRuntimeImage();
    if (!Files.isRegularFile(image)) {
      LOG.warn(
          "container runtime image {} is missing: packages cannot run until it is built"
              + " (ROOTFS_UID=100000 container-runtime/build-image.sh DIR, or --runtime-image)",
          image);
    }
    ServiceSettings defaults =
        ServiceSettings.defaults(dataDir, image).withOsIp(lxc.subnet().gateway().getHostAddress());
    ServiceSettings memory =
        config.serviceMemoryLimit().map(defaults::withMemoryLimitBytes).orElse(defaults);
    ServiceSettings sideload =
        config.maxSideloadSize().map(memory::withMaxSideloadBytes).orElse(memory);
    ServiceSettings settings =
        sideload.withMaxVolumeBytes(
            config.maxVolumeSize().orElse(ServiceSettings.DEFAULT_MAX_VOLUME));
    return new ServiceManager(
        db, backend, new CertStore(db), notifications, continuations, settings);
  }

  /** The server's hostname once setup named it; empty before (or before the first boot's shape). */
  private static Optional<String> hostname(Database database) {
    try {
      return Optional.of(database.serverInfo().hostname()).filter(h -> !h.isEmpty());
    } catch (ModelException e) {
      return Optional.empty();
    }
  }

  /** A container's address on our bridge (the bridge's own address is the host's). */
  private static boolean isPackageAddress(Subnet subnet, InetAddress address) {
    return address instanceof Inet4Address v4
        && subnet.contains(v4)
        && !v4.equals(subnet.gateway());
  }

  private static void startServices(ServiceManager services) {
    try {
      services.startAll();
    } catch (RuntimeException e) {
      LOG.error("bringing services back to their desired state failed: {}", e.getMessage(), e);
    }
  }

  /** Creates the data dir if needed and proves it writable without touching existing files. */
  static Path prepareDataDir(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(abs);
    } catch (FileAlreadyExistsException e) {
      throw new StartupException(
          "the data directory %s exists but is not a directory".formatted(abs), e);
    } catch (IOException e) {
      throw new StartupException(
          "cannot create the data directory %s: %s".formatted(abs, reason(e)), e);
    }
    try {
      Path probe = Files.createTempFile(abs, ".startd-write-check", ".tmp");
      Files.delete(probe);
    } catch (IOException e) {
      throw new StartupException(
          "the data directory %s is not writable: %s".formatted(abs, reason(e)), e);
    }
    return abs;
  }

  /**
   * A directory only root may enter: its contents (service logs) are not for other users. The data
   * dir itself stays searchable, since the containers' root must reach {@code lxc/} below it.
   */
  private static void privateDir(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make " + dir + " private", e);
    }
  }

  private static String reason(IOException e) {
    String kind = e.getClass().getSimpleName().replace("Exception", "");
    return e.getMessage() == null ? kind : kind + " (" + e.getMessage() + ")";
  }

  public URI url() {
    return http.url();
  }

  public int port() {
    return http.port();
  }

  public PatchDb db() {
    return db;
  }

  /** The typed view of {@link #db()}: how features read and change database fields. */
  public Database database() {
    return database;
  }

  public RpcRouter router() {
    return router;
  }

  public Continuations continuations() {
    return continuations;
  }

  public Config config() {
    return config;
  }

  public ServiceManager services() {
    return services;
  }

  /** Stops the services' containers, then serving and every socket, then the database. */
  @Override
  public void close() {
    try {
      services.close();
      continuations.close();
      http.close();
    } finally {
      db.close();
      // last: the names stay ours until every container of ours is gone
      claim.ifPresent(HostClaim::close);
    }
  }
}
