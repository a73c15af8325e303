package startos.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.daemon.Config;
import startos.daemon.RunningDaemon;

class ContinuationEndpointsTest {
  @TempDir Path dataDir;

  private static String subscribe(RunningDaemon daemon, String cookie) {
    JsonNode response = daemon.call("db.subscribe", "{}", Optional.of(cookie));
    assertThat(response.has("error")).as(response.toString()).isFalse();
    return response.at("/result/guid").asText();
  }

  @Test
  void anUnknownOrMalformedGuidIs404() throws Exception {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir)) {
      assertThat(WsClient.refusedStatus(daemon.ws("A".repeat(32)))).isEqualTo(404);
      assertThat(WsClient.refusedStatus(daemon.ws("not-a-guid"))).isEqualTo(404);
    }
  }

  @Test
  void aGuidWorksOnceThenIs404() throws Exception {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      String guid = subscribe(daemon, daemon.login());
      try (WsClient first = WsClient.connect(daemon.ws(guid))) {
        assertThat(WsClient.refusedStatus(daemon.ws(guid))).isEqualTo(404);
      }
    }
  }

  @Test
  void aGuidExpiresWhenNotUsedInTime() throws Exception {
    Config config = Config.of(dataDir, "127.0.0.1:0").withContinuationTtl(Duration.ofMillis(300));
    try (RunningDaemon daemon = RunningDaemon.start(config).completeSetup()) {
      String guid = subscribe(daemon, daemon.login());
      Thread.sleep(700);
      assertThat(WsClient.refusedStatus(daemon.ws(guid))).isEqualTo(404);
      assertThat(daemon.startd().continuations().pendingCount()).isZero();
    }
  }

  @Test
  void killingASessionClosesItsWebSocketAndLocksItOut() throws Exception {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      String victim = daemon.login();
      String admin = daemon.login();
      String victimId =
          daemon
              .call("auth.session.list", "{}", Optional.of(victim))
              .at("/result/current")
              .asText();
      try (WsClient socket = WsClient.connect(daemon.ws(subscribe(daemon, victim)))) {
        JsonNode kill =
            daemon.call(
                "auth.session.kill", "{\"ids\":[\"" + victimId + "\"]}", Optional.of(admin));
        assertThat(kill.has("error")).as(kill.toString()).isFalse();
        assertThat(socket.closed.get(5, TimeUnit.SECONDS)).startsWith("1008");
      }
      assertThat(daemon.call("db.dump", "{}", Optional.of(victim)).at("/error/code").asInt())
          .isEqualTo(34);
      assertThat(daemon.call("db.dump", "{}", Optional.of(admin)).has("result")).isTrue();
    }
  }

  @Test
  void loggingOutClosesTheSessionsWebSockets() throws Exception {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      String cookie = daemon.login();
      try (WsClient socket = WsClient.connect(daemon.ws(subscribe(daemon, cookie)))) {
        daemon.call("auth.logout", "{}", Optional.of(cookie));
        assertThat(socket.closed.get(5, TimeUnit.SECONDS)).startsWith("1008");
      }
    }
  }

  @Test
  void aRestContinuationReceivesTheWholeBodyOnce() throws Exception {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir)) {
      AtomicReference<byte[]> received = new AtomicReference<>();
      String guid =
          daemon
              .startd()
              .continuations()
              .addRest(
                  Optional.empty(),
                  request -> {
                    received.set(request.body().readAllBytes());
                    return RestReply.json(200, "{\"size\":" + received.get().length + "}");
                  });
      byte[] upload = new byte[3 * 1024 * 1024 + 17];
      Arrays.fill(upload, (byte) 7);
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(daemon.base().resolve("/rest/rpc/" + guid))
                  .POST(HttpRequest.BodyPublishers.ofByteArray(upload))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"size\":" + upload.length + "}");
      assertThat(received.get()).isEqualTo(upload);
      HttpResponse<String> again =
          client.send(
              HttpRequest.newBuilder(daemon.base().resolve("/rest/rpc/" + guid))
                  .POST(HttpRequest.BodyPublishers.ofString("x", StandardCharsets.UTF_8))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(again.statusCode()).isEqualTo(404);
      assertThat(again.body()).contains("already used or expired");
    }
  }
}
