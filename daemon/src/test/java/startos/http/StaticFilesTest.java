package startos.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.daemon.Config;
import startos.daemon.RunningDaemon;

class StaticFilesTest {
  @TempDir Path dataDir;
  @TempDir Path web;
  private final HttpClient client = HttpClient.newHttpClient();

  private HttpResponse<String> get(RunningDaemon daemon, String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(daemon.base().resolve(path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withoutAWebRootTheBundledPlaceholderIsServedForEveryPage() throws Exception {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir)) {
      HttpResponse<String> root = get(daemon, "/");
      assertThat(root.statusCode()).isEqualTo(200);
      assertThat(root.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html");
      assertThat(root.body()).contains("StartOS");
      assertThat(get(daemon, "/services/bitcoind").body()).isEqualTo(root.body());
    }
  }

  @Test
  void aWebRootServesItsFilesAndFallsBackToIndexForAppRoutes() throws Exception {
    Files.writeString(web.resolve("index.html"), "<html>app</html>");
    Files.createDirectories(web.resolve("assets"));
    Files.writeString(web.resolve("assets/app.js"), "console.log(1)");
    Config base = Config.of(dataDir, "127.0.0.1:0");
    Config config = base.withPort(0).withWebRoot(Optional.of(web));
    try (RunningDaemon daemon = RunningDaemon.start(config)) {
      HttpResponse<String> js = get(daemon, "/assets/app.js");
      assertThat(js.body()).isEqualTo("console.log(1)");
      assertThat(js.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
      assertThat(get(daemon, "/system/settings").body()).isEqualTo("<html>app</html>");
      assertThat(get(daemon, "/assets/missing.js").body()).isEqualTo("<html>app</html>");
      assertThat(get(daemon, "/assets/../../etc/passwd").body()).doesNotContain("root:");
    }
  }
}
