package startos.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.daemon.RunningDaemon;

/** Each prefix of the routing table reaches its handler, and only its own paths do. */
class RoutingTableTest {
  @TempDir static Path dataDir;
  static RunningDaemon daemon;
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    daemon = RunningDaemon.start(dataDir);
  }

  @AfterAll
  static void stop() {
    daemon.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(daemon.base().resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aPathThatOnlyStartsLikeAnApiPrefixIsTheWebUi() throws Exception {
    HttpResponse<String> root = get("/");
    for (String path : new String[] {"/rpcx", "/rest/rpcx", "/ws/rpcs", "/StartOS-info.htmlx"}) {
      HttpResponse<String> page = get(path);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.body()).as(path).isEqualTo(root.body());
      assertThat(page.headers().firstValue("Content-Security-Policy"))
          .as(path)
          .hasValue(SecurityHeaders.UI_POLICY);
    }
  }

  @Test
  void theBareRestPrefixIsAnUnknownContinuationNotTheWebUi() throws Exception {
    HttpResponse<String> bare = get("/rest/rpc/");
    assertThat(bare.statusCode()).isEqualTo(404);
    assertThat(bare.body()).contains("unknown, already used or expired continuation");
    assertThat(bare.headers().firstValue("Content-Security-Policy"))
        .hasValue(SecurityHeaders.API_POLICY);
  }

  @Test
  void rpcWithAndWithoutASubPathIsJsonRpc() throws Exception {
    for (String path : new String[] {"/rpc", "/rpc/v1"}) {
      HttpResponse<String> response = get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(405);
      assertThat(response.body()).as(path).contains("must be sent with POST");
    }
  }

  @Test
  void aWebSocketAddressWithoutAnUpgradeSaysSo() throws Exception {
    HttpResponse<String> response = get("/ws/rpc/abc");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("only accepts WebSocket upgrades");
  }

  @Test
  void aGeneratedPageIsServedAtItsExactPath() throws Exception {
    // before setup the info page has nothing to show: its route answers, not the web UI
    HttpResponse<String> info = get("/StartOS-info.html");
    assertThat(info.statusCode()).isEqualTo(404);
    assertThat(info.body()).contains("/StartOS-info.html is not available yet");
  }
}
