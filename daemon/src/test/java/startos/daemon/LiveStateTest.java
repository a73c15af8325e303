package startos.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.http.WsClient;
import startos.patchdb.JsonPatches;

/**
 * The UI's view of the server: after a real first-time setup, a WebSocket subscriber to /public
 * sees the hostname and notification changes as patches, and its dump plus those patches is exactly
 * a fresh dump.
 */
class LiveStateTest {
  @TempDir Path dataDir;

  @Test
  void subscriberFollowsHostnameAndNotificationChangesToAFreshDump() throws Exception {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir)) {
      String password = "{\"password\":\"" + RunningDaemon.PASSWORD + "\",\"name\":\"Live\"}";
      assertThat(daemon.call("setup.execute", password).has("result")).isTrue();
      assertThat(daemon.call("setup.complete", "{}").has("result")).isTrue();
      Optional<String> cookie = Optional.of(daemon.login());

      JsonNode subscribed = daemon.call("db.subscribe", "{}", cookie).get("result");
      JsonNode value = subscribed.at("/dump/value");
      long id = subscribed.at("/dump/id").asLong();
      assertThat(value.at("/serverInfo/hostname").asText()).isEqualTo("live");

      List<String> changedPaths = new ArrayList<>();
      try (WsClient socket = WsClient.connect(daemon.ws(subscribed.get("guid").asText()))) {
        call(daemon, cookie, "server.set-hostname", "{\"hostname\":\"renamed-box\"}");
        call(
            daemon,
            cookie,
            "notification.create",
            "{\"level\":\"info\",\"title\":\"Hi\",\"message\":\"first\"}");
        call(
            daemon,
            cookie,
            "notification.create",
            "{\"level\":\"warning\",\"title\":\"Careful\",\"message\":\"second\"}");
        JsonNode listed = call(daemon, cookie, "notification.list", "{}");
        long firstId = listed.get(listed.size() - 1).get("id").asLong();
        call(daemon, cookie, "notification.mark-seen", "{\"ids\":[" + firstId + "]}");

        long target = daemon.startd().db().sequence();
        while (id < target) {
          String frame = socket.messages.poll(10, TimeUnit.SECONDS);
          assertThat(frame).as("revision after %d (want %d)", id, target).isNotNull();
          JsonNode revision = RunningDaemon.parse(frame);
          if (revision.get("id").asLong() <= id) {
            continue; // a read-your-writes nudge or a revision already in the dump
          }
          ArrayNode patch = (ArrayNode) revision.get("patch");
          patch.forEach(op -> changedPaths.add(op.get("path").asText()));
          value = JsonPatches.apply(value, patch);
          id = revision.get("id").asLong();
        }
      }

      JsonNode fresh = daemon.call("db.dump", "{}", cookie).at("/result/value");
      assertThat(value).isEqualTo(fresh);
      assertThat(changedPaths)
          .contains("/serverInfo/hostname", "/serverInfo/unreadNotificationCount");
      assertThat(value.at("/serverInfo/hostname").asText()).isEqualTo("renamed-box");
      assertThat(value.at("/serverInfo/unreadNotificationCount").asInt()).isEqualTo(1);
    }
  }

  private static JsonNode call(
      RunningDaemon daemon, Optional<String> cookie, String method, String params) {
    JsonNode response = daemon.call(method, params, cookie);
    assertThat(response.has("error")).as(method + " " + response).isFalse();
    return response.get("result");
  }
}
