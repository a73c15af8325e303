package startos.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.daemon.RunningDaemon;
import startos.http.WsClient;

class DbMethodsTest {
  @TempDir Path dataDir;
  RunningDaemon daemon;
  Optional<String> cookie;

  @BeforeEach
  void start() {
    daemon = RunningDaemon.start(dataDir).completeSetup();
    cookie = Optional.of(daemon.login());
    daemon
        .startd()
        .db()
        .mutate(root -> {
          ObjectNode pub = (ObjectNode) root.get("public");
          // the daemon filled in the whole serverInfo (InitialDb); only the name is set here
          ((ObjectNode) pub.get("serverInfo")).put("name", "Test Server");
          return null;
        });
  }

  @AfterEach
  void stop() {
    daemon.close();
  }

  private JsonNode call(String method, String params) {
    return daemon.call(method, params, cookie);
  }

  @Test
  void dumpDefaultsToPublicAndCarriesTheRevision() {
    JsonNode dump = call("db.dump", "{}").get("result");
    assertThat(dump.get("id").asLong()).isEqualTo(daemon.startd().db().sequence());
    assertThat(dump.at("/value/serverInfo/name").asText()).isEqualTo("Test Server");
    assertThat(dump.get("value").has("password")).isFalse();
    JsonNode scoped = call("db.dump", "{\"pointer\":\"/public/serverInfo\"}").get("result");
    assertThat(scoped.at("/value/name").asText()).isEqualTo("Test Server");
  }

  @Test
  void privateDataIsNeverDumpedOverASession() {
    for (String pointer : new String[] {"", "/private", "/private/password", "/publicity"}) {
      JsonNode error = call("db.dump", "{\"pointer\":\"" + pointer + "\"}").get("error");
      assertThat(error.get("code").asInt()).as(pointer).isEqualTo(-32602);
      assertThat(error.at("/data/details").asText()).contains("only public data");
    }
    assertThat(call("db.subscribe", "{\"pointer\":\"/private\"}").at("/error/code").asInt())
        .isEqualTo(-32602);
    assertThat(call("db.dump", "{\"pointer\":\"public\"}").at("/error/data/details").asText())
        .contains("must start with '/'");
  }

  @Test
  void theLocalCliOnTheServerMayDumpPrivateData() throws Exception {
    String local = "local=" + Files.readString(dataDir.resolve("rpc.authcookie")).strip();
    JsonNode whole = daemon.call("db.dump", "{\"pointer\":\"\"}", Optional.of(local));
    assertThat(whole.at("/result/value/private/password").asText()).startsWith("$argon2id$");
    JsonNode byDefault = daemon.call("db.dump", "{}", Optional.of(local));
    assertThat(byDefault.at("/result/value/serverInfo/name").asText()).isEqualTo("Test Server");
  }

  @Test
  void putUiWritesUnderPublicUiOnly() {
    JsonNode put =
        call("db.put.ui", "{\"pointer\":\"/marketplace/selected\",\"value\":{\"url\":\"x\"}}");
    assertThat(put.has("error")).as(put.toString()).isFalse();
    assertThat(
            daemon.startd().db().get("/public/ui/marketplace/selected/url").orElseThrow().asText())
        .isEqualTo("x");
    call("db.put.ui", "{\"pointer\":\"/../../private/password\",\"value\":\"pwned\"}");
    assertThat(daemon.startd().db().get("/private/password").orElseThrow().asText())
        .startsWith("$argon2id$");
    assertThat(call("db.put.ui", "{\"pointer\":\"/x\"}").at("/error/data/details").asText())
        .contains("'value'");
  }

  private JsonNode local(String method, String params) throws Exception {
    String local = "local=" + Files.readString(dataDir.resolve("rpc.authcookie")).strip();
    return daemon.call(method, params, Optional.of(local));
  }

  @Test
  void aSessionMayApplyPatchesToTheUiData() {
    JsonNode result =
        call(
            "db.apply",
            "{\"expr\":[{\"op\":\"add\",\"path\":\"/public/ui/theme\",\"value\":\"dark\"},"
                + "{\"op\":\"copy\",\"from\":\"/public/ui/theme\",\"path\":\"/public/ui/old\"}]}");
    assertThat(result.has("error")).as(result.toString()).isFalse();
    assertThat(daemon.startd().db().get("/public/ui/old").orElseThrow().asText()).isEqualTo("dark");
  }

  @Test
  void aRemoteSessionCannotApplyToPrivateDataOrPackageEntries() {
    var db = daemon.startd().db();
    JsonNode before = db.dump("").value();
    String[] attacks = {
      "{\"op\":\"replace\",\"path\":\"/private/password\",\"value\":\"$argon2id$mine\"}",
      "{\"op\":\"add\",\"path\":\"/private/sessions/forged\",\"value\":{}}",
      "{\"op\":\"copy\",\"from\":\"/private/password\",\"path\":\"/public/ui/leak\"}",
      "{\"op\":\"test\",\"path\":\"/private/setupComplete\",\"value\":true}",
      "{\"op\":\"add\",\"path\":\"/public/packageData/..~1..~1victim\",\"value\":{}}",
      "{\"op\":\"replace\",\"path\":\"\",\"value\":{}}",
      "{\"op\":\"replace\",\"path\":\"/public/serverInfo/name\",\"value\":\"x\"}"
    };
    for (String attack : attacks) {
      JsonNode error = call("db.apply", "{\"expr\":[" + attack + "]}").get("error");
      assertThat(error).as(attack).isNotNull();
      assertThat(error.get("code").asInt()).as(attack).isEqualTo(38);
      assertThat(error.at("/data/details").asText())
          .as(attack)
          .startsWith("db.apply over a session may only change /public/ui");
    }
    assertThat(db.dump("").value()).isEqualTo(before);
  }

  @Test
  void theLocalCliMayApplyAnywhereButOnlyWithinTheModel() throws Exception {
    var db = daemon.startd().db();
    JsonNode ok =
        local(
            "db.apply",
            "{\"expr\":[{\"op\":\"replace\",\"path\":\"/public/serverInfo/name\",\"value\":\"Renamed\"},"
                + "{\"op\":\"add\",\"path\":\"/private/flag\",\"value\":true}]}");
    assertThat(ok.has("error")).as(ok.toString()).isFalse();
    assertThat(db.get("/public/serverInfo/name").orElseThrow().asText()).isEqualTo("Renamed");
    assertThat(db.get("/private/flag").orElseThrow().asBoolean()).isTrue();

    JsonNode before = db.dump("").value();
    Map<String, String> misfits =
        Map.of(
            "{\"op\":\"add\",\"path\":\"/public/packageData/..~1..~1victim\",\"value\":{}}",
            "/public/packageData key '../../victim' is not a package id",
            "{\"op\":\"add\",\"path\":\"/public/cliAnswer\",\"value\":42}",
            "/public has no field 'cliAnswer'",
            "{\"op\":\"add\",\"path\":\"/public/serverInfo/passwordHash\",\"value\":\"x\"}",
            "/public/serverInfo has no field 'passwordHash'",
            "{\"op\":\"remove\",\"path\":\"/private\"}",
            "the document must keep 'private'");
    for (Map.Entry<String, String> misfit : misfits.entrySet()) {
      JsonNode error = local("db.apply", "{\"expr\":[" + misfit.getKey() + "]}").get("error");
      assertThat(error.get("code").asInt()).as(misfit.getKey()).isEqualTo(12);
      assertThat(error.at("/data/details").asText())
          .as(misfit.getKey())
          .contains("does not match the database model (nothing changed)", misfit.getValue());
    }
    assertThat(db.dump("").value()).isEqualTo(before);
  }

  @Test
  void aBadPatchIsAnErrorAndLeavesTheDbUnchanged() {
    var db = daemon.startd().db();
    long before = db.sequence();
    JsonNode snapshot = db.dump("").value();
    JsonNode error =
        call(
                "db.apply",
                "{\"expr\":[{\"op\":\"add\",\"path\":\"/public/ui/half\",\"value\":\"half\"},"
                    + "{\"op\":\"remove\",\"path\":\"/public/ui/does/not/exist\"}]}")
            .get("error");
    assertThat(error.get("code").asInt()).isEqualTo(29);
    assertThat(error.at("/data/details").asText()).contains("nothing changed");
    assertThat(db.dump("").value()).isEqualTo(snapshot);
    assertThat(db.sequence()).isEqualTo(before);
    assertThat(call("db.apply", "{\"expr\":{\"op\":\"add\"}}").at("/error/code").asInt())
        .isEqualTo(-32602);
  }

  @Test
  void aSubscriberSeesEachChangeAndDumpPlusPatchesEqualsAFreshDump() throws Exception {
    JsonNode subscribed = call("db.subscribe", "{}").get("result");
    JsonNode value = subscribed.at("/dump/value");
    long id = subscribed.at("/dump/id").asLong();
    try (WsClient socket = WsClient.connect(daemon.ws(subscribed.get("guid").asText()))) {
      call("db.put.ui", "{\"pointer\":\"/theme\",\"value\":\"dark\"}");
      local(
          "db.apply",
          "{\"expr\":[{\"op\":\"add\",\"path\":\"/public/packageData/hello\",\"value\":{\"state\":\"installed\"}}]}");
      local("db.apply", "{\"expr\":[{\"op\":\"add\",\"path\":\"/private/secret\",\"value\":1}]}");
      local("db.apply", "{\"expr\":[{\"op\":\"remove\",\"path\":\"/public/packageData/hello\"}]}");
      call("db.put.ui", "{\"pointer\":\"/list\",\"value\":[1,2,3]}");
      long target = daemon.startd().db().sequence();
      while (id < target) {
        String frame = socket.messages.poll(5, TimeUnit.SECONDS);
        assertThat(frame).as("revision after %d (want %d)", id, target).isNotNull();
        JsonNode revision = RunningDaemon.parse(frame);
        assertThat(revision.toString()).doesNotContain("secret");
        if (revision.get("id").asLong() <= id) {
          continue;
        }
        value = TestPatches.apply(value, (ArrayNode) revision.get("patch"));
        id = revision.get("id").asLong();
      }
      assertThat(value).isEqualTo(call("db.dump", "{}").at("/result/value"));
      assertThat(value.at("/ui/theme").asText()).isEqualTo("dark");
    }
  }

  @Test
  void aScopedSubscriptionGetsPathsRelativeToItsPointer() throws Exception {
    JsonNode subscribed =
        call("db.subscribe", "{\"pointer\":\"/public/serverInfo\"}").get("result");
    assertThat(subscribed.at("/dump/value/name").asText()).isEqualTo("Test Server");
    try (WsClient socket = WsClient.connect(daemon.ws(subscribed.get("guid").asText()))) {
      call("db.put.ui", "{\"pointer\":\"/unrelated\",\"value\":1}");
      local(
          "db.apply",
          "{\"expr\":[{\"op\":\"replace\",\"path\":\"/public/serverInfo/name\",\"value\":\"B\"}]}");
      JsonNode revision = RunningDaemon.parse(socket.messages.poll(5, TimeUnit.SECONDS));
      // the ui write is not under the pointer; only a nudge (empty patch) or the name change may
      // come
      while (revision.get("patch").isEmpty()) {
        revision = RunningDaemon.parse(socket.messages.poll(5, TimeUnit.SECONDS));
      }
      assertThat(revision.get("patch").get(0).get("path").asText()).isEqualTo("/name");
      assertThat(revision.get("patch").get(0).get("value").asText()).isEqualTo("B");
    }
  }
}
