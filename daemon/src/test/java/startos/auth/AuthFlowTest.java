package startos.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.daemon.RunningDaemon;
import startos.setup.TestJwe;

class AuthFlowTest {
  @TempDir Path dataDir;

  private static String login(String password, boolean ephemeral) {
    return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"auth.login\",\"params\":{\"password\":\""
        + password
        + "\",\"ephemeral\":"
        + ephemeral
        + ",\"metadata\":{\"platforms\":[\"cli\"]}}}";
  }

  /** The session token from a login response's Set-Cookie (the only place it travels). */
  private static String tokenOf(HttpResponse<String> response) {
    String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring("session=".length(), setCookie.indexOf(';'));
  }

  @Test
  void loginSetsAStrictHttpOnlySessionCookieAndKeepsTheTokenOutOfTheBody() {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      HttpResponse<String> response =
          daemon.post(login(RunningDaemon.PASSWORD, false), Optional.empty());
      String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
      String token = tokenOf(response);
      assertThat(token).matches("[a-z2-7]{26}");
      assertThat(RunningDaemon.parse(response.body()).get("result").isNull()).isTrue();
      assertThat(response.body()).doesNotContain(token);
      assertThat(setCookie)
          .startsWith("session=" + token + ";")
          .contains(
              "Path=/",
              "HttpOnly",
              "SameSite=Strict",
              "Max-Age=" + Sessions.MAX_LIFETIME.toSeconds())
          .doesNotContain("Secure");
      JsonNode stored = daemon.startd().db().get("/private/sessions").orElseThrow();
      assertThat(stored.has(SessionToken.of(token).hashedId())).isTrue();
      JsonNode session = stored.get(SessionToken.of(token).hashedId());
      assertThat(session.get("userAgent").asText()).isEqualTo("daemon-test");
      assertThat(session.has("loggedIn")).isTrue();
      assertThat(session.has("lastActive")).isTrue();
      assertThat(daemon.call("db.dump", "{}", Optional.of("session=" + token)).has("result"))
          .isTrue();
    }
  }

  @Test
  void aWrongPasswordIsIncorrectPassword7AndCreatesNoSession() {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      HttpResponse<String> response = daemon.post(login("wrong", false), Optional.empty());
      assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
      JsonNode error = RunningDaemon.parse(response.body()).get("error");
      assertThat(error.get("code").asInt()).isEqualTo(7);
      assertThat(error.get("message").asText()).isEqualTo("Incorrect Password");
      assertThat(daemon.startd().db().get("/private/sessions").map(JsonNode::size).orElse(0))
          .isZero();
    }
  }

  @Test
  void theFourthQuickLoginAttemptIsRateLimited37() {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      for (int i = 0; i < 3; i++) {
        daemon.post(login("wrong", false), Optional.empty());
      }
      JsonNode error =
          RunningDaemon.parse(
                  daemon.post(login(RunningDaemon.PASSWORD, false), Optional.empty()).body())
              .get("error");
      assertThat(error.get("code").asInt()).isEqualTo(37);
      assertThat(error.at("/data/details").asText()).contains("too many login attempts");
    }
  }

  @Test
  void aClientFloodingWrongPasswordsDoesNotLockTheOwnerOut() throws Exception {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      // the attacker's connections come from another loopback address than the owner's
      HttpClient attacker =
          HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.2")).build();
      int limited = 0;
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> r =
            attacker.send(
                HttpRequest.newBuilder(daemon.base().resolve("/rpc/v1"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(login("guess" + i, false)))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (RunningDaemon.parse(r.body()).at("/error/code").asInt() == 37) {
          limited++;
        }
      }
      assertThat(limited).as("the attacker is throttled").isPositive();
      HttpResponse<String> owner =
          daemon.post(login(RunningDaemon.PASSWORD, false), Optional.empty());
      assertThat(RunningDaemon.parse(owner.body()).has("error")).as(owner.body()).isFalse();
      assertThat(tokenOf(owner)).matches("[a-z2-7]{26}");
    }
  }

  @Test
  void anOwnerWhoMistypedCanLogInAgainRightAfterSucceeding() {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      daemon.post(login("typo", false), Optional.empty());
      daemon.post(login("typo again", false), Optional.empty());
      daemon.login();
      for (int i = 0; i < 3; i++) {
        HttpResponse<String> r =
            daemon.post(login(RunningDaemon.PASSWORD, false), Optional.empty());
        assertThat(RunningDaemon.parse(r.body()).has("error")).as(r.body()).isFalse();
      }
    }
  }

  @Test
  void aSessionIdleTooLongOrLoggedInTooLongAgoIsRefusedAndForgotten() {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      String idle = daemon.login();
      String old = daemon.login();
      Instant now = Instant.now();
      age(
          daemon,
          idle,
          now.minus(Duration.ofDays(30)),
          now.minus(Sessions.IDLE_TIMEOUT).minusSeconds(60));
      age(daemon, old, now.minus(Sessions.MAX_LIFETIME).minusSeconds(60), now);
      for (String cookie : List.of(idle, old)) {
        JsonNode error = daemon.call("db.dump", "{}", Optional.of(cookie)).get("error");
        assertThat(error.get("code").asInt()).as(cookie).isEqualTo(34);
        String id = SessionToken.of(cookie.substring("session=".length())).hashedId();
        assertThat(daemon.startd().db().get("/private/sessions/" + id)).as(cookie).isEmpty();
      }
      String fresh = daemon.login();
      assertThat(daemon.call("db.dump", "{}", Optional.of(fresh)).has("result")).isTrue();
    }
  }

  private static void age(
      RunningDaemon daemon, String cookie, Instant loggedIn, Instant lastActive) {
    String id = SessionToken.of(cookie.substring("session=".length())).hashedId();
    daemon
        .startd()
        .db()
        .mutate(root -> {
          ObjectNode session = (ObjectNode) root.at("/private/sessions/" + id);
          session.put("loggedIn", loggedIn.toString());
          session.put("lastActive", lastActive.toString());
          return null;
        });
  }

  @Test
  void ephemeralSessionsWorkButAreNotStored() {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      HttpResponse<String> response =
          daemon.post(login(RunningDaemon.PASSWORD, true), Optional.empty());
      String token = tokenOf(response);
      String cookie = "session=" + token;
      assertThat(daemon.startd().db().get("/private/sessions").map(JsonNode::size).orElse(0))
          .isZero();
      JsonNode list = daemon.call("auth.session.list", "{}", Optional.of(cookie)).get("result");
      assertThat(list.get("current").asText()).isEqualTo(SessionToken.of(token).hashedId());
      assertThat(list.get("sessions").has(SessionToken.of(token).hashedId())).isTrue();
    }
  }

  @Test
  void afterARestartPersistentSessionsLiveOnAndEphemeralOnesHaveExpired() {
    String persistent;
    String ephemeral;
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      persistent = daemon.login();
      ephemeral =
          "session=" + tokenOf(daemon.post(login(RunningDaemon.PASSWORD, true), Optional.empty()));
      assertThat(daemon.call("db.dump", "{}", Optional.of(ephemeral)).has("result")).isTrue();
    }
    try (RunningDaemon restarted = RunningDaemon.start(dataDir)) {
      assertThat(restarted.call("db.dump", "{}", Optional.of(persistent)).has("result")).isTrue();
      JsonNode expired = restarted.call("db.dump", "{}", Optional.of(ephemeral)).get("error");
      assertThat(expired.get("code").asInt()).isEqualTo(34);
    }
  }

  @Test
  void logoutEndsTheSession() {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      String cookie = daemon.login();
      HttpResponse<String> out =
          daemon.post(
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"auth.logout\",\"params\":{}}",
              Optional.of(cookie));
      assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
      assertThat(
              daemon.call("auth.session.list", "{}", Optional.of(cookie)).at("/error/code").asInt())
          .isEqualTo(34);
    }
  }

  @Test
  void sessionListShowsAllSessionsAndWhichIsCurrent() {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      String a = daemon.login();
      daemon.login();
      JsonNode list = daemon.call("auth.session.list", "{}", Optional.of(a)).get("result");
      assertThat(list.get("sessions").size()).isEqualTo(2);
      assertThat(list.get("current").asText())
          .isEqualTo(SessionToken.of(a.substring("session=".length())).hashedId());
    }
  }

  @Test
  void resetPasswordNeedsTheOldPasswordAndThenOnlyTheNewOneWorks() {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      String cookie = daemon.login();
      JsonNode wrong =
          daemon.call(
              "auth.reset-password",
              "{\"oldPassword\":\"nope\",\"newPassword\":\"n3w password\"}",
              Optional.of(cookie));
      assertThat(wrong.at("/error/code").asInt()).isEqualTo(7);
      JsonNode ok =
          daemon.call(
              "auth.reset-password",
              "{\"oldPassword\":\""
                  + RunningDaemon.PASSWORD
                  + "\",\"newPassword\":\"n3w password\"}",
              Optional.of(cookie));
      assertThat(ok.has("error")).as(ok.toString()).isFalse();
      String stored = daemon.startd().db().get("/private/password").orElseThrow().asText();
      assertThat(Passwords.verify(stored, "n3w password")).isTrue();
      assertThat(Passwords.verify(stored, RunningDaemon.PASSWORD)).isFalse();
    }
  }

  @Test
  void theLocalCookieFileAuthenticatesTheCli() throws Exception {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      String secret = Files.readString(dataDir.resolve("rpc.authcookie"));
      assertThat(daemon.call("db.dump", "{}", Optional.of("local=" + secret)).has("result"))
          .isTrue();
      assertThat(daemon.call("db.dump", "{}", Optional.of("local=guess")).at("/error/code").asInt())
          .isEqualTo(34);
    }
  }

  @Test
  void getPubkeyIsAPublicP256Jwk() {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      JsonNode jwk = daemon.call("auth.get-pubkey", "{}").get("result");
      assertThat(jwk.get("kty").asText()).isEqualTo("EC");
      assertThat(jwk.get("crv").asText()).isEqualTo("P-256");
      assertThat(jwk.get("x").asText()).matches("[A-Za-z0-9_-]{43}");
      assertThat(jwk.get("y").asText()).matches("[A-Za-z0-9_-]{43}");
      assertThat(jwk.has("d")).isFalse();
    }
  }

  @Test
  void aPasswordEncryptedToTheServerPubkeyLogsIn() throws Exception {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir).completeSetup()) {
      JsonNode jwk = daemon.call("auth.get-pubkey", "{}").get("result");
      String sealed = TestJwe.encrypt(jwk, RunningDaemon.PASSWORD).toString();
      HttpResponse<String> ok =
          daemon.post(
              "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"auth.login\",\"params\":{\"password\":{\"encrypted\":"
                  + sealed
                  + "}}}",
              Optional.empty());
      assertThat(tokenOf(ok)).matches("[a-z2-7]{26}");
      String wrong = TestJwe.encrypt(jwk, "not the password").toString();
      assertThat(
              daemon
                  .call("auth.login", "{\"password\":{\"encrypted\":" + wrong + "}}")
                  .at("/error/code")
                  .asInt())
          .isEqualTo(7);
      assertThat(
              daemon.call("auth.login", "{\"password\":{\"secret\":1}}").at("/error/code").asInt())
          .isEqualTo(-32602);
    }
  }

  @Test
  void beforeSetupOnlyPublicMethodsAnswer() {
    try (RunningDaemon daemon = RunningDaemon.start(dataDir)) {
      assertThat(daemon.call("echo", "{\"message\":\"x\"}").has("result")).isTrue();
      JsonNode login =
          daemon
              .post(login("anything", false), Optional.empty())
              .body()
              .transform(RunningDaemon::parse);
      assertThat(login.at("/error/code").asInt()).isEqualTo(40);
      assertThat(login.at("/error/data/details").asText())
          .isEqualTo("setup is not complete: run setup first (setup.execute, setup.complete)");
      assertThat(daemon.call("db.dump", "{}").at("/error/code").asInt()).isEqualTo(40);
    }
  }
}
