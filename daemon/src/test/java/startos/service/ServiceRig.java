package startos.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.InstantSource;
import java.util.function.UnaryOperator;
import startos.container.HostClaim;
import startos.container.LxcBackend;
import startos.container.LxcSettings;
import startos.container.Subnet;
import startos.http.Continuations;
import startos.notification.Notifications;
import startos.patchdb.PatchDb;
import startos.ssl.CertStore;

/**
 * A service layer on real LXC for integration tests: its own data dir, bridge, nft table and cgroup
 * prefix (so test classes cannot disturb each other or a running startd), a Patch-DB and a {@link
 * ServiceManager} that a test may stop and reopen on the same data, as a restarted startd would.
 */
final class ServiceRig implements AutoCloseable {
  private final Path work;
  private final Path dataDir;
  private final HostClaim claim;
  private final LxcBackend backend;
  private final Continuations continuations;
  private final ServiceSettings settings;
  private PatchDb db;
  private ServiceManager manager;

  /** Skips the calling test class unless root, LXC and the test packages' prerequisites exist. */
  static void assumeAvailable() {
    assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "service integration tests need root; skipped as " + System.getProperty("user.name"));
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/lxc-start")), "needs lxc-start; skipped");
    assumeTrue(
        TestPackages.available(),
        "needs node, busybox and the idmapped runtime image (container-runtime/build-image.sh); skipped");
  }

  /**
   * Opens a rig named {@code name} on bridge {@code bridge} with {@code gateway} (e.g. {@code
   * 10.212.33.1}) as the host side of a /24, and starts its services.
   */
  static ServiceRig open(
      String name,
      String bridge,
      String gateway,
      String table,
      String cgroupPrefix,
      UnaryOperator<ServiceSettings> tune)
      throws IOException {
    Path work = Files.createTempDirectory(Path.of("/tmp"), name);
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
    Path dataDir = work.resolve("data");
    Files.createDirectories(dataDir);
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
    LxcSettings lxc =
        LxcSettings.defaults(dataDir.resolve("lxc"))
            .withNetwork(bridge, Subnet.parse(gateway + "/24"), table)
            .withCgroups(cgroupPrefix, Path.of("/sys/fs/cgroup"));
    // held until close, as startd holds it: another run of this test waits its turn
    HostClaim claim = HostClaim.acquire(lxc.namespace(), Duration.ofMinutes(10));
    LxcBackend backend = new LxcBackend(lxc);
    backend.cleanupAll();
    ServiceSettings settings =
        tune.apply(
            ServiceSettings.defaults(dataDir, TestPackages.RUNTIME_IMAGE)
                .withOsIp(gateway)
                .withStopTimeout(Duration.ofSeconds(5)));
    ServiceRig rig = new ServiceRig(work, dataDir, claim, backend, settings);
    rig.openDaemon();
    return rig;
  }

  private ServiceRig(
      Path work, Path dataDir, HostClaim claim, LxcBackend backend, ServiceSettings settings) {
    this.work = work;
    this.claim = claim;
    this.dataDir = dataDir;
    this.backend = backend;
    this.settings = settings;
    this.continuations = new Continuations(InstantSource.system(), Duration.ofSeconds(30));
  }

  Path work() {
    return work;
  }

  Path dataDir() {
    return dataDir;
  }

  LxcBackend backend() {
    return backend;
  }

  ServiceSettings settings() {
    return settings;
  }

  PatchDb db() {
    return db;
  }

  ServiceManager manager() {
    return manager;
  }

  /** Opens the DB and a service manager on it, as startd does at boot. */
  void openDaemon() {
    db = PatchDb.open(dataDir.resolve("db"));
    startManager();
  }

  /** Closes the manager and the DB, as a stopping startd does. */
  void closeDaemon() {
    manager.close();
    db.close();
  }

  /** A new service manager on the open DB (after {@link #stopManager}). */
  void startManager() {
    manager =
        new ServiceManager(
            db,
            backend,
            new CertStore(db),
            new Notifications(new startos.model.Database(db)),
            continuations,
            settings);
    manager.startAll();
  }

  /** Closes the manager only, leaving the DB open for a test to change behind its back. */
  void stopManager() {
    manager.close();
  }

  JsonNode entry(String id) {
    return db.get("/public/packageData/" + id).orElseThrow();
  }

  /** The result of the test package's health check {@code web}, or "" while it has none. */
  String health(String id) {
    return db.get("/public/packageData/" + id + "/statusInfo/health/web/result")
        .map(JsonNode::asText)
        .orElse("");
  }

  int assignedPort(String id) {
    return entry(id).at("/hosts/ui-multi/bindings/80/net/assignedPort").asInt();
  }

  /** GET /index.html on the host port at the host's own address, asserting HTTP 200. */
  static String get(int port) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://"
                            + startos.container.HostAddresses.nonLoopback().getHostAddress()
                            + ":"
                            + port
                            + "/index.html"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** Uninstalls {@code id} if still there, closes everything and removes every trace. */
  void close(String id) {
    try {
      manager.uninstall(id, false, true);
    } catch (RuntimeException e) {
      // already gone
    }
    close();
  }

  @Override
  public void close() {
    try {
      closeDaemon();
      backend.cleanupAll();
      continuations.close();
      PackageLayout.deleteTree(work);
    } finally {
      claim.close();
    }
  }
}
