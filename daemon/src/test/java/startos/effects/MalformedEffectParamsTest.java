package startos.effects;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.patchdb.PatchDb;

/**
 * A hostile package sends params of the wrong type, without required fields, or with words the
 * SDK's types do not have: each call gets a -32602 error naming the parameter, nothing is written,
 * and host.sock keeps serving the next call.
 */
class MalformedEffectParamsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PKG = "hostile-test";

  @TempDir Path dir;
  private PatchDb db;
  private EffectServer server;

  @BeforeEach
  void setUp() throws IOException {
    db = PatchDb.inMemory();
    db.mutate(root -> {
      ObjectNode entry = PackageData.all(root).putObject(PKG);
      ObjectNode stateInfo = entry.putObject("stateInfo");
      stateInfo.put("state", "installed");
      stateInfo.putObject("manifest").put("id", PKG).putArray("volumes").add("main");
      entry.putObject("statusInfo").putObject("health");
      return null;
    });
    Files.createDirectories(dir.resolve("volumes/main"));
    EffectServerTest.FakeHost host = new EffectServerTest.FakeHost(dir.resolve("volumes"));
    server =
        EffectServer.start(
            PKG, dir.resolve("host.sock"), -1, StandardEffects.table(db, host, new Watches(host)));
  }

  @AfterEach
  void tearDown() {
    server.close();
    db.close();
  }

  private JsonNode call(String method, String params) throws IOException {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(dir.resolve("host.sock")));
      String line = "{\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}\n";
      ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
      return JSON.readTree(
          new BufferedReader(
                  new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8))
              .readLine());
    }
  }

  /** The error sentence of a refused call, after checking it is an invalid-params error. */
  private String refusal(String method, String params) throws IOException {
    JsonNode r = call(method, params);
    assertThat(r.has("result")).as(method + " " + params + " -> " + r).isFalse();
    assertThat(r.at("/error/code").asInt()).as(r.toString()).isEqualTo(-32602);
    return r.at("/error/message").asText();
  }

  private JsonNode entry() {
    return db.get(PackageData.pointer(PKG)).orElseThrow();
  }

  @Test
  void paramsThatAreNotAnObjectAreRefused() throws IOException {
    assertThat(refusal("action.clear", "[\"a\"]"))
        .isEqualTo("params must be a JSON object with named parameters, got an array");
    assertThat(refusal("set-dependencies", "\"deps\""))
        .isEqualTo("params must be a JSON object with named parameters, got a string");
  }

  @Test
  void actionsWithWrongTypesOrMissingFieldsAreRefusedAndNothingIsStored() throws IOException {
    JsonNode before = entry();
    assertThat(refusal("action.export", "{\"metadata\":{\"name\":\"x\"}}"))
        .isEqualTo("missing required parameter 'id' (a string)");
    assertThat(refusal("action.export", "{\"id\":7,\"metadata\":{\"name\":\"x\"}}"))
        .isEqualTo("parameter 'id' must be a string, got a number");
    assertThat(refusal("action.export", "{\"id\":\"a\",\"metadata\":\"x\"}"))
        .isEqualTo("parameter 'metadata' must be an ActionMetadata object with a 'name'");
    assertThat(refusal("action.clear", "{\"except\":\"all\"}"))
        .isEqualTo("parameter 'except' must be an array, got a string");
    assertThat(refusal("action.clear", "{\"except\":[1]}"))
        .isEqualTo("parameter 'except[0]' must be a string, got a number");
    assertThat(refusal("action.clear-tasks", "{}"))
        .isEqualTo("action.clear-tasks needs 'only' or 'except'");
    assertThat(entry()).isEqualTo(before);
    assertThat(call("action.export", "{\"id\":\"a\",\"metadata\":{\"name\":\"A\"}}").has("result"))
        .isTrue();
  }

  @Test
  void anUnknownEnumWordIsNamedWithTheWordsTheSdkHas() throws IOException {
    assertThat(
            refusal(
                "action.create-task",
                "{\"replayId\":\"r\",\"packageId\":\"other\",\"actionId\":\"a\",\"severity\":\"urgent\"}"))
        .isEqualTo(
            "parameter 'severity' must be one of \"optional\", \"important\", \"critical\", got \"urgent\"");
    assertThat(
            refusal(
                "set-dependencies",
                "{\"dependencies\":[{\"kind\":\"maybe\",\"id\":\"x\",\"versionRange\":\"*\"}]}"))
        .isEqualTo(
            "parameter 'dependencies[0].kind' must be one of \"running\", \"exists\", got \"maybe\"");
    assertThat(
            refusal(
                "set-dependencies",
                "{\"dependencies\":[{\"kind\":\"running\",\"id\":\"x\",\"versionRange\":\"*\"}]}"))
        .isEqualTo("missing required parameter 'dependencies[0].healthChecks' (an array)");
    assertThat(entry().has("tasks")).isFalse();
    assertThat(entry().has("currentDependencies")).isFalse();
  }

  @Test
  void numbersAreNotReadAsStringsNorStringsAsNumbers() throws IOException {
    assertThat(
            refusal(
                "set-dependencies",
                "{\"dependencies\":[{\"kind\":\"exists\",\"id\":\"x\",\"versionRange\":27}]}"))
        .isEqualTo("parameter 'dependencies[0].versionRange' must be a string, got a number");
    assertThat(refusal("check-dependencies", "{\"packageIds\":[true]}"))
        .isEqualTo("parameter 'packageIds[0]' must be a string, got a boolean");
    assertThat(refusal("set-backup-progress", "{}"))
        .isEqualTo("missing required parameter 'progress' (a JSON value)");
  }

  @Test
  void certificateRequestsWithBadNamesOrAlgorithmsAreRefused() throws IOException {
    assertThat(refusal("get-ssl-key", "{}"))
        .isEqualTo("missing required parameter 'hostnames' (an array)");
    assertThat(refusal("get-ssl-key", "{\"hostnames\":\"a.local\"}"))
        .isEqualTo("parameter 'hostnames' must be an array, got a string");
    assertThat(refusal("get-ssl-certificate", "{\"hostnames\":[\"a\"],\"algorithm\":\"rsa\"}"))
        .isEqualTo("parameter 'algorithm' must be one of \"ecdsa\", \"ed25519\", got \"rsa\"");
    assertThat(refusal("get-ssl-certificate", "{\"hostnames\":[\"a\"],\"callback\":\"x\"}"))
        .isEqualTo("parameter 'callback' must be an integer, got a string");
  }

  @Test
  void healthMountAndStatusWithBadParamsAreRefusedAndNothingChanges() throws IOException {
    JsonNode before = entry();
    assertThat(refusal("set-health", "{\"id\":\"web\",\"name\":\"Web\",\"result\":\"great\"}"))
        .isEqualTo(
            "parameter 'result' must be one of \"success\", \"disabled\", \"starting\","
                + " \"waiting\", \"loading\", \"failure\", got \"great\"");
    assertThat(refusal("set-health", "{\"id\":\"web\",\"name\":{},\"result\":\"success\"}"))
        .isEqualTo("parameter 'name' must be a string, got an object");
    assertThat(refusal("set-health", "{\"id\":\"web\",\"result\":\"success\"}"))
        .isEqualTo("missing required parameter 'name' (a string)");
    assertThat(
            refusal("mount", "{\"location\":\"/mnt\",\"target\":{\"packageId\":\"" + PKG + "\"}}"))
        .isEqualTo("missing required parameter 'target.volumeId' (a string)");
    assertThat(
            refusal(
                "mount",
                "{\"location\":\"/mnt\",\"target\":{\"packageId\":\""
                    + PKG
                    + "\",\"volumeId\":\"main\",\"readonly\":\"no\"}}"))
        .isEqualTo("parameter 'target.readonly' must be a boolean (true or false), got a string");
    assertThat(refusal("set-main-status", "{\"status\":\"paused\"}"))
        .isEqualTo("parameter 'status' must be one of \"running\", \"stopped\", got \"paused\"");
    assertThat(refusal("get-status", "{\"packageId\":\"../other\"}"))
        .contains("parameter 'packageId' must be lowercase letters and digits");
    assertThat(refusal("clear-callbacks", "{\"only\":[1.5]}"))
        .isEqualTo("parameter 'only[0]' must be an integer, got a number");
    assertThat(refusal("notification.create", "{\"level\":\"fatal\",\"title\":\"t\"}"))
        .contains("parameter 'level' must be one of \"success\", \"info\"");
    assertThat(entry()).isEqualTo(before);
    JsonNode ok =
        call(
            "set-health",
            "{\"id\":\"web\",\"name\":\"Web\",\"result\":\"success\",\"message\":null}");
    assertThat(ok.has("result")).as(ok.toString()).isTrue();
    assertThat(
            db.get(PackageData.pointer(PKG) + "/statusInfo/health/web/result")
                .orElseThrow()
                .asText())
        .isEqualTo("success");
  }

  @Test
  void bindingsAndInterfacesWithBadParamsAreRefusedAndNoPortIsForwarded() throws IOException {
    JsonNode before = entry();
    assertThat(
            refusal(
                "bind", "{\"id\":\"web\",\"internalPort\":\"80\",\"preferredExternalPort\":80}"))
        .isEqualTo("parameter 'internalPort' must be an integer, got a string");
    assertThat(
            refusal("bind", "{\"id\":\"web\",\"internalPort\":70000,\"preferredExternalPort\":80}"))
        .isEqualTo("parameter 'internalPort' must be a port 1-65535, got 70000");
    assertThat(refusal("bind", "{\"id\":\"web\",\"internalPort\":80}"))
        .isEqualTo("missing required parameter 'preferredExternalPort' (a port)");
    assertThat(refusal("clear-bindings", "{\"except\":[{\"id\":\"web\"}]}"))
        .isEqualTo("missing required parameter 'except[0].internalPort' (a port)");
    assertThat(
            refusal(
                "export-service-interface",
                "{\"id\":\"ui\",\"name\":\"UI\",\"type\":\"web\",\"addressInfo\":{\"hostId\":\"web\",\"internalPort\":80}}"))
        .isEqualTo("parameter 'type' must be one of \"ui\", \"p2p\", \"api\", got \"web\"");
    assertThat(
            refusal(
                "export-service-interface",
                "{\"id\":\"ui\",\"name\":\"UI\",\"type\":\"ui\",\"addressInfo\":{\"internalPort\":80}}"))
        .isEqualTo("missing required parameter 'addressInfo.hostId' (a string)");
    assertThat(entry()).isEqualTo(before);
  }
}
