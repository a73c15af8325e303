package startos.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import startos.daemon.RunningDaemon;
import startos.http.WsClient;
import startos.rpc.RpcException;
import startos.service.PackageLayout;
import startos.service.ServiceManager;
import startos.service.TestPackages;

/**
 * A sideload as the UI does it, against a real startd with the service manager wired in: {@code
 * package.sideload}, the raw .s9pk posted to /rest/rpc/upload, FullProgress frames on
 * /ws/rpc/progress; then start, logs, follow and uninstall over JSON-RPC; and a sideload cancelled
 * mid-upload. Needs root and LXC.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class SideloadIntegrationTest {
  private Path work;
  private Path dataDir;
  private RunningDaemon daemon;
  private ServiceManager manager;
  private String cookie;

  @BeforeAll
  void setUp() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root; skipped");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/lxc-start")), "needs lxc-start; skipped");
    assumeTrue(TestPackages.available(), "needs node, busybox and the runtime image; skipped");
    work = Files.createTempDirectory(Path.of("/tmp"), "startos-sideload-it");
    Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
    dataDir = work.resolve("data");
    daemon = RunningDaemon.start(dataDir).completeSetup();
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx--x--x"));
    cookie = daemon.login();
    // the service manager startd wires itself (real LxcBackend on the test daemons' own names)
    manager = daemon.startd().services();
  }

  @AfterAll
  void tearDown() {
    if (manager != null) {
      try {
        manager.uninstall("hello-test", false, true);
      } catch (RuntimeException e) {
        // gone already
      }
    }
    if (daemon != null) {
      daemon.close();
    }
    if (work != null) {
      PackageLayout.deleteTree(work);
    }
  }

  private JsonNode rpc(String method, String params) {
    JsonNode r = daemon.call(method, params, Optional.of(cookie));
    assertThat(r.has("error")).as("%s answered %s", method, r).isFalse();
    return r.path("result");
  }

  @Test
  void sideloadStreamsProgressInstallsAndTheServiceRunsLogsAndUninstalls() throws Exception {
    JsonNode guids = rpc("package.sideload", "{}");
    WsClient progress = WsClient.connect(daemon.ws(guids.path("progress").asText()));
    byte[] s9pk = Files.readAllBytes(TestPackages.build(TestPackages.Variant.v1()));
    HttpResponse<String> upload =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        daemon.base().resolve("/rest/rpc/" + guids.path("upload").asText()))
                    .header("Cookie", cookie)
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(s9pk))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(upload.statusCode()).isEqualTo(204);
    List<JsonNode> frames = new ArrayList<>();
    while (true) {
      String m = progress.messages.poll(90, TimeUnit.SECONDS);
      assertThat(m).as("a progress frame").isNotNull();
      JsonNode frame = RunningDaemon.parse(m);
      frames.add(frame);
      if (frame.path("overall").isBoolean() && frame.path("overall").asBoolean()) {
        break;
      }
    }
    assertThat(frames.get(0).path("phases").get(0).path("name").asText()).isEqualTo("Uploading");
    assertThat(frames.size()).isGreaterThan(1);
    progress.closed.get(10, TimeUnit.SECONDS);

    assertThat(rpc("package.installed-version", "{\"id\":\"hello-test\"}").asText())
        .isEqualTo("1.0.0:0");
    assertThat(rpc("package.list", "{}").get(0).path("id").asText()).isEqualTo("hello-test");

    JsonNode follow = rpc("package.logs.follow", "{\"id\":\"hello-test\"}");
    WsClient logs = WsClient.connect(daemon.ws(follow.path("guid").asText()));
    rpc("package.start", "{\"id\":\"hello-test\"}");
    long t0 = System.nanoTime();
    while (!daemon
        .startd()
        .db()
        .get("/public/packageData/hello-test/statusInfo/health/web/result")
        .map(JsonNode::asText)
        .orElse("")
        .equals("success")) {
      assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(60).toNanos());
      Thread.sleep(50);
    }
    boolean sawServing = false;
    long l0 = System.nanoTime();
    while (!sawServing && System.nanoTime() - l0 < Duration.ofSeconds(10).toNanos()) {
      String line = logs.messages.poll(1, TimeUnit.SECONDS);
      sawServing =
          line != null && RunningDaemon.parse(line).path("message").asText().contains("serving");
    }
    assertThat(sawServing).as("the daemon's output reached the follow stream").isTrue();
    logs.close();

    JsonNode page = rpc("package.logs", "{\"id\":\"hello-test\",\"limit\":5}");
    assertThat(page.path("entries").size()).isEqualTo(5);
    assertThat(page.path("entries").get(0).path("bootId").asText()).isNotBlank();
    JsonNode earlier =
        rpc(
            "package.logs",
            "{\"id\":\"hello-test\",\"limit\":3,\"cursor\":\""
                + page.path("startCursor").asText()
                + "\",\"before\":true}");
    assertThat(Long.parseLong(earlier.path("endCursor").asText()))
        .isEqualTo(Long.parseLong(page.path("startCursor").asText()) - 1);

    rpc("package.uninstall", "{\"id\":\"hello-test\"}");
    assertThat(daemon.startd().db().get("/public/packageData/hello-test")).isEmpty();
    JsonNode missing = daemon.call("package.start", "{\"id\":\"hello-test\"}", Optional.of(cookie));
    assertThat(missing.at("/error/data/details").asText()).contains("not installed");
  }

  @Test
  void aCorruptUploadFailsTheProgressStreamWithTheReason() throws Exception {
    JsonNode guids = rpc("package.sideload", "{}");
    WsClient progress = WsClient.connect(daemon.ws(guids.path("progress").asText()));
    HttpResponse<String> upload =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(daemon.base() + "/rest/rpc/" + guids.path("upload").asText()))
                    .header("Cookie", cookie)
                    .POST(HttpRequest.BodyPublishers.ofByteArray("not an s9pk at all".getBytes()))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(upload.statusCode()).isEqualTo(204);
    String reason = progress.closed.get(30, TimeUnit.SECONDS);
    assertThat(reason).containsIgnoringCase("s9pk");
    assertThat(daemon.startd().db().get("/public/packageData/hello-test")).isEmpty();
  }

  /** Holds the manifest and every table of contents of the test package, not its image. */
  private static final int FIRST_PART = 1 << 20;

  /**
   * package.cancel-install while the .s9pk is still uploading: the client has sent only the first
   * part (the manifest is in it) when the cancel comes; the upload ends with the cancel as its
   * error, the progress stream reports it and nothing is left on disk or in the database.
   */
  @Test
  void cancellingDuringTheUploadEndsItAndLeavesNothing() throws Exception {
    byte[] s9pk = Files.readAllBytes(TestPackages.build(TestPackages.Variant.v1()));
    assertThat(s9pk.length).isGreaterThan(FIRST_PART);
    CountDownLatch release = new CountDownLatch(1);
    InputStream stalling =
        new SequenceInputStream(
            new ByteArrayInputStream(Arrays.copyOf(s9pk, FIRST_PART)),
            new InputStream() {
              private final InputStream rest =
                  new ByteArrayInputStream(s9pk, FIRST_PART, s9pk.length - FIRST_PART);

              @Override
              public int read() throws IOException {
                await();
                return rest.read();
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                await();
                return rest.read(b, off, len);
              }

              private void await() throws IOException {
                try {
                  release.await();
                } catch (InterruptedException e) {
                  throw new IOException(e);
                }
              }
            });
    JsonNode guids = rpc("package.sideload", "{}");
    WsClient progress = WsClient.connect(daemon.ws(guids.path("progress").asText()));
    CompletableFuture<HttpResponse<String>> upload =
        HttpClient.newHttpClient()
            .sendAsync(
                HttpRequest.newBuilder(
                        daemon.base().resolve("/rest/rpc/" + guids.path("upload").asText()))
                    .header("Cookie", cookie)
                    .timeout(Duration.ofSeconds(60))
                    .POST(
                        HttpRequest.BodyPublishers.fromPublisher(
                            HttpRequest.BodyPublishers.ofInputStream(() -> stalling), s9pk.length))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    try {
      // the upload becomes cancellable by id once its manifest has arrived
      long t0 = System.nanoTime();
      while (true) {
        try {
          manager.cancelInstall("hello-test");
          break;
        } catch (RpcException e) {
          assertThat(e.getMessage()).contains("no install of hello-test is in progress");
          assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(20).toNanos());
          Thread.sleep(20);
        }
      }
    } finally {
      // the client goes on sending; the server stops at the next chunk it reads
      release.countDown();
    }
    HttpResponse<String> r = upload.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("the install of hello-test was cancelled");
    String last = "";
    for (String m; (m = progress.messages.poll(5, TimeUnit.SECONDS)) != null; ) {
      last = m;
    }
    assertThat(last).doesNotContain("\"overall\":true");
    assertThat(daemon.startd().db().get("/public/packageData/hello-test")).isEmpty();
    assertThat(Files.exists(dataDir.resolve("packages/hello-test"))).isFalse();
    try (Stream<Path> tmp = Files.list(dataDir.resolve("tmp"))) {
      assertThat(tmp.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith("sideload-"));
    }
  }
}
