package startos.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.auth.LocalAuthCookie;
import startos.auth.Sessions;
import startos.daemon.RunningDaemon;
import startos.model.Database;
import startos.patchdb.PatchDb;
import startos.rpc.RpcDispatcher;
import startos.rpc.RpcRouter;

/**
 * A web page the admin visits attacks startd with the admin's cookie: another site, a package's own
 * web UI on another port of the same host, a page reached through a rebinding DNS name.
 */
class BrowserBoundaryTest {
  private static final String UI_WRITE =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"db.put.ui\",\"params\":{\"pointer\":\"/pwned\",\"value\":true}}";

  @TempDir static Path dataDir;
  static RunningDaemon daemon;
  static String cookie;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    daemon = RunningDaemon.start(dataDir).completeSetup();
    cookie = daemon.login();
  }

  @AfterAll
  static void stop() {
    daemon.close();
  }

  private static String self() {
    return "http://127.0.0.1:" + daemon.startd().port();
  }

  private static HttpResponse<String> post(String contentType, Optional<String> origin) {
    return post(contentType, origin, UI_WRITE);
  }

  private static HttpResponse<String> post(
      String contentType, Optional<String> origin, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(daemon.base().resolve("/rpc/v1"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", contentType)
            .header("Cookie", cookie)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    origin.ifPresent(o -> request.header("Origin", o));
    return send(request);
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static boolean pwned() {
    return daemon.startd().db().get("/public/ui/pwned").isPresent();
  }

  /** A port on this host that is not startd's: where a package's UI would be served. */
  private static int otherPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void aTextPlainPostFromAnotherPageIsRefusedWith415AndChangesNothing() {
    // text/plain is what a page may send cross-site without the browser asking startd first
    HttpResponse<String> response = post("text/plain", Optional.empty());
    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(RunningDaemon.parse(response.body()).at("/error/data/details").asText())
        .isEqualTo(
            "JSON-RPC requests must be sent with Content-Type: application/json (got 'text/plain')");
    HttpResponse<String> form =
        post("application/x-www-form-urlencoded", Optional.of("http://evil.example"));
    assertThat(form.statusCode()).isIn(403, 415);
    assertThat(pwned()).isFalse();
  }

  @Test
  void aForeignOriginIsRefusedEvenWithTheAdminsCookie() {
    HttpResponse<String> response = post("application/json", Optional.of("http://evil.example"));
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(RunningDaemon.parse(response.body()).at("/error/data/details").asText())
        .contains("comes from the page at http://evil.example")
        .contains("not startd's own address " + self());
    assertThat(post("application/json", Optional.of("null")).statusCode()).isEqualTo(403);
    assertThat(pwned()).isFalse();
  }

  @Test
  void aPackageUiOnAnotherPortOfTheSameHostIsAForeignOrigin() throws IOException {
    // same host, so the browser sends the admin's cookie along; the port makes it another origin
    String packageUi = "http://127.0.0.1:" + otherPort();
    HttpResponse<String> response = post("application/json", Optional.of(packageUi));
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(RunningDaemon.parse(response.body()).at("/error/data/details").asText())
        .contains(packageUi);
    assertThat(
            post("application/json", Optional.of("https://127.0.0.1:" + daemon.startd().port()))
                .statusCode())
        .as("https is another origin than startd's http")
        .isEqualTo(403);
    assertThat(pwned()).isFalse();
  }

  @Test
  void startdsOwnPagesAndTheCliWithoutOriginAreServed() {
    String write = UI_WRITE.replace("/pwned", "/own");
    HttpResponse<String> own = post("application/json; charset=utf-8", Optional.of(self()), write);
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(RunningDaemon.parse(own.body()).has("error")).as(own.body()).isFalse();
    assertThat(daemon.startd().db().get("/public/ui/own")).isPresent();
    HttpResponse<String> cli = post("application/json", Optional.empty(), write);
    assertThat(RunningDaemon.parse(cli.body()).has("error")).as(cli.body()).isFalse();
  }

  @Test
  void aPageOnARebindingNameIsRefused() throws IOException {
    // evil.example resolves to this server: same origin for the browser, but not our name
    String host = "evil.example:" + daemon.startd().port();
    String response = raw(host, "http://" + host);
    assertThat(response).startsWith("HTTP/1.1 403").contains("'evil.example' is not a name of");
    assertThat(
            raw(
                "localhost:" + daemon.startd().port(),
                "http://localhost:" + daemon.startd().port()))
        .startsWith("HTTP/1.1 200");
  }

  /** A POST with a Host header of our choosing (Java's client does not let one set Host). */
  private static String raw(String host, String origin) throws IOException {
    byte[] body = UI_WRITE.replace("/pwned", "/rebound").getBytes(StandardCharsets.UTF_8);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), daemon.startd().port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      String head =
          "POST /rpc/v1 HTTP/1.1\r\nHost: %s\r\nOrigin: %s\r\nCookie: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
              .formatted(host, origin, cookie, body.length);
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void aWebSocketOpenedFromAForeignOriginIsRefusedAndTheGuidStaysTheOwners() throws Exception {
    String guid =
        daemon.call("db.subscribe", "{}", Optional.of(cookie)).at("/result/guid").asText();
    URI ws = daemon.ws(guid);
    assertThat(WsClient.refusedStatus(ws, Map.of("Origin", "http://evil.example"))).isEqualTo(403);
    assertThat(WsClient.refusedStatus(ws, Map.of("Origin", "http://127.0.0.1:" + otherPort())))
        .isEqualTo(403);
    try (WsClient own = WsClient.connect(ws, Map.of("Origin", self()))) {
      assertThat(own.closed).isNotDone();
    }
  }

  @Test
  void theUiAndTheApiCarrySecurityHeaders() {
    HttpResponse<String> page = send(HttpRequest.newBuilder(daemon.base().resolve("/")).GET());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
    assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("frame-ancestors 'none'", "script-src 'self';")
        .doesNotContain("unsafe-eval");
    assertThat(page.body()).doesNotContainPattern("<script>");
    HttpResponse<String> rpc =
        post("application/json", Optional.empty(), UI_WRITE.replace("/pwned", "/headers"));
    assertThat(rpc.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(rpc.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(rpc.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("default-src 'none'");
  }

  @Test
  void aPackageContainerCannotReachTheApiEvenWithAStolenCookie() throws Exception {
    // here loopback stands in for the containers' bridge subnet
    PatchDb db = PatchDb.inMemory();
    Sessions sessions = new Sessions(new Database(db), InstantSource.system());
    String stolen = "session=" + sessions.create(false, Optional.empty()).token();
    try (Continuations continuations =
            new Continuations(InstantSource.system(), Duration.ofSeconds(30));
        HttpServer server =
            HttpServer.start(
                "127.0.0.1",
                0,
                new HttpServer.Routes(
                    new RpcDispatcher(new RpcRouter(), () -> true),
                    sessions,
                    LocalAuthCookie.generate(),
                    db,
                    continuations,
                    Optional.empty(),
                    Map.of(),
                    new ServerNames("127.0.0.1", Optional::empty),
                    InetAddress::isLoopbackAddress))) {
      HttpResponse<String> response =
          send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/rpc/v1"))
                  .header("Content-Type", "application/json")
                  .header("Cookie", stolen)
                  .POST(HttpRequest.BodyPublishers.ofString(UI_WRITE)));
      assertThat(response.statusCode()).isEqualTo(403);
      assertThat(RunningDaemon.parse(response.body()).at("/error/data/details").asText())
          .contains("not reachable from package containers");
    }
    JsonNode ui = db.get("/public/ui").orElse(null);
    assertThat(ui).isNull();
  }
}
