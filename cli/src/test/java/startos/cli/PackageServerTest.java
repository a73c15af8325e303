package startos.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** start-cli's package commands against a small fake startd (JSON-RPC, /rest and /ws). */
@Timeout(60)
class PackageServerTest {
  private static final String SESSION = "testsessiontoken";

  @TempDir Path dir;
  private FakeStartd startd;
  private CliRun cli;

  @BeforeEach
  void start() throws Exception {
    startd = new FakeStartd();
    cli = new CliRun(Files.createDirectories(dir.resolve("home")));
    Files.createDirectories(dir.resolve("no-cookie"));
    new SessionStore(cli.home().resolve(".startos").resolve(".cookies.json"))
        .save(startd.url(), SESSION);
  }

  @AfterEach
  void stop() throws Exception {
    startd.close();
  }

  private CliRun.Result run(String... args) {
    return PackageArgsTest.run(
        cli.home(), RemoteArgs.remote(startd.url(), dir.resolve("no-cookie"), args));
  }

  private Path s9pk(int size) throws Exception {
    byte[] bytes = new byte[size];
    new Random(7).nextBytes(bytes);
    return Files.write(dir.resolve("hello.s9pk"), bytes);
  }

  private static String frame(String uploading, String installing) {
    String overall =
        uploading.equals("true") && installing.equals("true")
            ? "true"
            : uploading.equals("null") ? "null" : "false";
    return "{\"overall\":"
        + overall
        + ",\"phases\":[{\"name\":\"Uploading\",\"progress\":"
        + uploading
        + "},{\"name\":\"Installing\",\"progress\":"
        + installing
        + "}]}";
  }

  /** Sideload guids whose socket sends progress around the upload, like startd. */
  private void sideloadAnswers(SocketScript afterUpload) {
    startd.method(
        "package.sideload",
        p -> {
          String upload = startd.guid();
          String progress = startd.guid();
          CountDownLatch received = startd.expectUpload(upload);
          startd.socket(
              progress,
              s -> {
                FakeStartd.send(s, frame("null", "null"));
                FakeStartd.send(s, frame("false", "null"));
                if (!received.await(20, TimeUnit.SECONDS)) {
                  throw new IllegalStateException("no upload arrived");
                }
                long n = startd.uploaded().length;
                FakeStartd.send(
                    s,
                    frame("{\"done\":" + n + ",\"total\":" + n + ",\"units\":\"bytes\"}", "null"));
                afterUpload.run(s);
              });
          return ok(
              RpcClient.JSON.createObjectNode().put("upload", upload).put("progress", progress));
        });
  }

  @Test
  void sideloadUploadsTheFileIntactAndFollowsProgressToTheEnd() throws Exception {
    Path file = s9pk(3 * 1024 * 1024 + 17);
    sideloadAnswers(s -> {
      FakeStartd.send(s, frame("true", "false"));
      FakeStartd.send(s, frame("true", "{\"done\":1,\"total\":2,\"units\":\"steps\"}"));
      FakeStartd.send(s, frame("true", "true"));
      s.close(1000, "complete", org.eclipse.jetty.websocket.api.Callback.NOOP);
    });

    CliRun.Result r = run("package", "install", "-s", file.toString());

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(startd.uploaded()).isEqualTo(Files.readAllBytes(file));
    assertThat(r.err())
        .isEqualTo("Uploading...\nUploading: done\nInstalling...\nInstalling: done\n");
    assertThat(r.out()).contains("installed hello.s9pk (3.0 MiB uploaded)");
    // the continuations are reached with the same session as the RPC calls
    assertThat(startd.cookies()).hasSize(3).allMatch(c -> c.contains("session=" + SESSION));
  }

  @Test
  void aFailedInstallExitsNonZeroWithTheServersReason() throws Exception {
    Path file = s9pk(1000);
    sideloadAnswers(s ->
        s.close(
            1011,
            "manifest of hello is invalid: missing id",
            org.eclipse.jetty.websocket.api.Callback.NOOP));

    CliRun.Result r = run("package", "install", "--sideload", file.toString());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.SERVER_ERROR.code());
    assertThat(r.err()).contains("error: install failed: manifest of hello is invalid: missing id");
  }

  @Test
  void aRejectedUploadIsReportedEvenIfTheProgressStreamStaysSilent() throws Exception {
    Path file = s9pk(2000);
    startd.rejectUploads("{\"error\":\"not enough disk space for 2000 bytes\"}");
    sideloadAnswers(s -> Thread.sleep(30_000));

    CliRun.Result r = run("package", "install", "-s", file.toString());

    assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCode.SERVER_ERROR.code());
    assertThat(r.err())
        .contains("rejected the upload of hello.s9pk (HTTP 400): not enough disk space");
  }

  @Test
  void aMissingFileFailsBeforeAnythingIsSent() {
    CliRun.Result r = run("package", "install", "-s", dir.resolve("nope.s9pk").toString());

    assertThat(r.exitCode()).isEqualTo(ExitCode.LOCAL_ERROR.code());
    assertThat(r.err()).contains("no such file: ").contains("nope.s9pk");
    assertThat(startd.calls()).isEmpty();
  }

  @Test
  void registryInstallPassesTheDaemonsErrorThrough() {
    startd.method(
        "package.install", p -> error(10, "Registry Error", "registries are not available yet"));

    CliRun.Result r = run("package", "install", "hello-world", "0.1.0");

    assertThat(r.exitCode()).isEqualTo(ExitCode.SERVER_ERROR.code());
    assertThat(r.err()).contains("registries are not available yet");
    assertThat(startd.calls().getFirst().path("params").path("id").asText())
        .isEqualTo("hello-world");
    assertThat(startd.calls().getFirst().path("params").path("version").asText())
        .isEqualTo("0.1.0");
  }

  @Test
  void listShowsATableOrTheRawJson() throws Exception {
    String list =
        "[{\"id\":\"hello-world\",\"version\":\"0.1.0:0\",\"state\":\"installed\",\"status\":\"running\"}]";
    startd.method("package.list", p -> ok(read(list)));

    CliRun.Result table = run("package", "list");
    CliRun.Result json = run("package", "list", "--format", "json");

    assertThat(table.exitCode()).as(table.toString()).isZero();
    assertThat(table.out().lines().toList())
        .containsExactly(
            "ID           VERSION  STATE      STATUS", "hello-world  0.1.0:0  installed  running");
    assertThat(RpcClient.JSON.readTree(json.out())).isEqualTo(RpcClient.JSON.readTree(list));
  }

  @Test
  void lifecycleCommandsSendTheIdAndFlags() {
    startd.method("package.uninstall", p -> ok(RpcClient.JSON.nullNode()));
    startd.method("package.start", p -> ok(RpcClient.JSON.nullNode()));

    CliRun.Result uninstall = run("package", "uninstall", "--soft", "hello-world");
    CliRun.Result start = run("package", "start", "--force", "hello-world");

    assertThat(uninstall.exitCode()).as(uninstall.toString()).isZero();
    assertThat(uninstall.out()).contains("uninstalling hello-world (its data is kept)");
    assertThat(start.out()).contains("starting hello-world");
    // start-cli also asks package.dependency.check first, to warn about dependents and unmet
    // dependencies; the lifecycle calls are the ones checked here
    List<JsonNode> lifecycle =
        startd.calls().stream()
            .filter(c -> c.path("method").asText().matches("package\\.(uninstall|start)"))
            .toList();
    assertThat(lifecycle.get(0).path("params"))
        .isEqualTo(
            RpcClient.JSON
                .createObjectNode()
                .put("id", "hello-world")
                .put("soft", true)
                .put("force", false));
    assertThat(lifecycle.get(1).path("params").path("force").asBoolean()).isTrue();
  }

  @Test
  void anUnknownPackageIsASentenceAndNonZero() {
    startd.method("package.stop", p -> error(6, "Not Found", "package nope is not installed"));

    CliRun.Result r = run("package", "stop", "nope");

    assertThat(r.exitCode()).isEqualTo(ExitCode.SERVER_ERROR.code());
    assertThat(r.err())
        .contains("error: package.stop failed: Not Found (error 6): package nope is not installed");
  }

  @Test
  void logsPrintTimestampAndMessage() throws Exception {
    startd.method(
        "package.logs",
        p ->
            ok(
                read(
                    "{\"entries\":[{\"timestamp\":\"2026-11-22T03:04:05.6Z\",\"message\":\"hello\",\"bootId\":\"b\"},"
                        + "{\"timestamp\":\"2026-11-22T03:04:06Z\",\"message\":\"world\",\"bootId\":\"b\"}],"
                        + "\"startCursor\":\"1\",\"endCursor\":\"2\"}")));

    CliRun.Result r = run("package", "logs", "hello-world", "-l", "2", "-c", "9", "-B");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out().lines().toList())
        .containsExactly("2026-11-22T03:04:05.600Z hello", "2026-11-22T03:04:06.000Z world");
    JsonNode params = startd.calls().getFirst().path("params");
    assertThat(params.path("limit").asInt()).isEqualTo(2);
    assertThat(params.path("cursor").asText()).isEqualTo("9");
    assertThat(params.path("before").asBoolean()).isTrue();
  }

  @Test
  void followedLogsStreamUntilTheServerCloses() {
    startd.method(
        "package.logs.follow",
        p -> {
          String guid = startd.guid();
          startd.socket(
              guid,
              s -> {
                FakeStartd.send(
                    s,
                    "{\"timestamp\":\"2026-11-22T03:04:05Z\",\"message\":\"one\",\"bootId\":\"b\"}");
                FakeStartd.send(
                    s,
                    "{\"timestamp\":\"2026-11-22T03:04:06Z\",\"message\":\"two\",\"bootId\":\"b\"}");
                s.close(1000, "complete", org.eclipse.jetty.websocket.api.Callback.NOOP);
              });
          return ok(RpcClient.JSON.createObjectNode().put("startCursor", "5").put("guid", guid));
        });

    CliRun.Result r = run("package", "logs", "-f", "hello-world");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out().lines().toList())
        .containsExactly("2026-11-22T03:04:05.000Z one", "2026-11-22T03:04:06.000Z two");
  }

  private static JsonNode read(String json) {
    try {
      return RpcClient.JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static ObjectNode ok(JsonNode result) {
    ObjectNode o = RpcClient.JSON.createObjectNode();
    o.set("result", result);
    return o;
  }

  private static ObjectNode error(int code, String message, String details) {
    ObjectNode o = RpcClient.JSON.createObjectNode();
    ObjectNode e = o.putObject("error").put("code", code).put("message", message);
    e.putObject("data").put("details", details);
    return o;
  }

  @FunctionalInterface
  interface SocketScript {
    void run(Session session) throws Exception;
  }

  /** JSON-RPC on /rpc/v1, uploads on /rest/rpc/<guid>, scripted sockets on /ws/rpc/<guid>. */
  static final class FakeStartd implements AutoCloseable {
    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final Map<String, Function<JsonNode, ObjectNode>> methods = new ConcurrentHashMap<>();
    private final Map<String, SocketScript> sockets = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> uploads = new ConcurrentHashMap<>();
    private final List<JsonNode> calls = new CopyOnWriteArrayList<>();
    private final List<String> cookies = new CopyOnWriteArrayList<>();
    private volatile byte[] uploaded = new byte[0];
    private volatile Optional<String> rejection = Optional.empty();
    private int guids;

    FakeStartd() throws Exception {
      connector.setHost("127.0.0.1");
      server.addConnector(connector);
      Handler http =
          new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback)
                throws Exception {
              cookies.add(String.valueOf(request.getHeaders().get(HttpHeader.COOKIE)));
              String path = Request.getPathInContext(request);
              if (path.equals("/rpc/v1")) {
                rpc(request, response, callback);
              } else if (path.startsWith("/rest/rpc/")) {
                upload(path.substring("/rest/rpc/".length()), request, response, callback);
              } else {
                Response.writeError(request, response, callback, 404);
              }
              return true;
            }
          };
      WebSocketUpgradeHandler ws =
          WebSocketUpgradeHandler.from(
              server,
              container ->
                  container.addMapping(
                      "/ws/rpc/*",
                      (request, response, callback) -> {
                        cookies.add(String.valueOf(request.getHeaders().get(HttpHeader.COOKIE)));
                        String guid =
                            Request.getPathInContext(request).substring("/ws/rpc/".length());
                        SocketScript script = sockets.remove(guid);
                        if (script == null) {
                          Response.writeError(request, response, callback, 404, "unknown guid");
                          return null;
                        }
                        return new Scripted(script);
                      }));
      ws.setHandler(http);
      server.setHandler(ws);
      server.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + connector.getLocalPort());
    }

    void method(String name, Function<JsonNode, ObjectNode> reply) {
      methods.put(name, reply);
    }

    synchronized String guid() {
      return "guid" + (++guids) + "abcdefghijklmnop";
    }

    void socket(String guid, SocketScript script) {
      sockets.put(guid, script);
    }

    CountDownLatch expectUpload(String guid) {
      CountDownLatch latch = new CountDownLatch(1);
      uploads.put(guid, latch);
      return latch;
    }

    void rejectUploads(String body) {
      rejection = Optional.of(body);
    }

    byte[] uploaded() {
      return uploaded;
    }

    List<JsonNode> calls() {
      return calls;
    }

    List<String> cookies() {
      return cookies;
    }

    static void send(Session s, String text) throws Exception {
      org.eclipse.jetty.websocket.api.Callback.Completable done =
          new org.eclipse.jetty.websocket.api.Callback.Completable();
      s.sendText(text, done);
      done.get(10, TimeUnit.SECONDS);
    }

    private void rpc(Request request, Response response, Callback callback) throws Exception {
      JsonNode call = RpcClient.JSON.readTree(Content.Source.asString(request));
      calls.add(call);
      Function<JsonNode, ObjectNode> m = methods.get(call.path("method").asText());
      ObjectNode reply =
          m == null
              ? error(-32601, "Method not found", call.path("method").asText())
              : m.apply(call.path("params"));
      reply.put("jsonrpc", "2.0");
      reply.set("id", call.path("id"));
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      Content.Sink.write(response, true, RpcClient.JSON.writeValueAsString(reply), callback);
    }

    private void upload(String guid, Request request, Response response, Callback callback)
        throws Exception {
      CountDownLatch latch = uploads.remove(guid);
      if (latch == null) {
        Response.writeError(request, response, callback, 404);
        return;
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      try (InputStream in = Content.Source.asInputStream(request)) {
        in.transferTo(body);
      }
      if (rejection.isPresent()) {
        response.setStatus(400);
        Content.Sink.write(response, true, rejection.get(), callback);
        return;
      }
      uploaded = body.toByteArray();
      latch.countDown();
      response.setStatus(204);
      callback.succeeded();
    }

    @Override
    public void close() throws Exception {
      server.stop();
    }
  }

  /** Runs its script on a virtual thread once the socket opens. */
  public static final class Scripted implements Session.Listener.AutoDemanding {
    private final SocketScript script;

    Scripted(SocketScript script) {
      this.script = script;
    }

    @Override
    public void onWebSocketOpen(Session session) {
      Thread.ofVirtual()
          .start(() -> {
            try {
              script.run(session);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } catch (Exception e) {
              session.close(
                  1011,
                  String.valueOf(e.getMessage()),
                  org.eclipse.jetty.websocket.api.Callback.NOOP);
            }
          });
    }
  }
}
