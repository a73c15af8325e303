package startos.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate around first-time setup, end to end through the wired setup methods. */
class SetupFlowTest {
  @TempDir Path dataDir;

  private static HttpResponse<String> get(RunningDaemon daemon, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(daemon.base().resolve(path)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void setupOpensTheGateAndThenClosesTheSetupMethods() throws Exception {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir)) {
      assertThat(daemon.call("setup.status", "{}").has("result")).isTrue();
      assertThat(daemon.call("db.dump", "{}").at("/error/code").asInt()).isEqualTo(40);
      assertThat(get(daemon, "/StartOS-info.html").statusCode()).isEqualTo(404);

      JsonNode executed =
          daemon.call(
              "setup.execute",
              "{\"password\":\"" + RunningDaemon.PASSWORD + "\",\"name\":\"My Server\"}");
      assertThat(executed.has("error")).as(executed.toString()).isFalse();
      String hostname = executed.at("/result/hostname").asText();
      assertThat(executed.at("/result/rootCa").asText()).contains("BEGIN CERTIFICATE");
      // executed but not completed: still gated
      assertThat(daemon.call("auth.login", "{\"password\":\"x\"}").at("/error/code").asInt())
          .isEqualTo(40);
      HttpResponse<String> info = get(daemon, "/StartOS-info.html");
      assertThat(info.statusCode()).isEqualTo(200);
      assertThat(info.body()).contains(hostname);

      assertThat(daemon.call("setup.complete", "{}").has("result")).isTrue();
      JsonNode after = daemon.call("setup.status", "{}").get("error");
      assertThat(after.get("code").asInt()).isEqualTo(38);
      assertThat(after.at("/data/details").asText()).contains("setup is already complete");

      String cookie = daemon.login();
      JsonNode dump = daemon.call("db.dump", "{}", Optional.of(cookie)).get("result");
      assertThat(dump.at("/value/serverInfo/hostname").asText()).isEqualTo(hostname);
      assertThat(dump.at("/value/serverInfo/version").asText()).isEqualTo("0.4.0");
      assertThat(dump.at("/value").has("packageData")).isTrue();
    }
  }
}
