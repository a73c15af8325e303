package startos.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.daemon.RunningDaemon;

class RpcEndpointTest {
  @TempDir static Path dataDir;
  static RunningDaemon daemon;
  static String cookie;

  @BeforeAll
  static void start() {
    daemon = RunningDaemon.start(dataDir).completeSetup();
    cookie = daemon.login();
  }

  @AfterAll
  static void stop() {
    daemon.close();
  }

  @Test
  void echoAnswersWithTheStartOsEnvelope() {
    JsonNode response = daemon.call("echo", "{\"message\":\"hi there\"}");
    assertThat(response.get("jsonrpc").asText()).isEqualTo("2.0");
    assertThat(response.get("id").asInt()).isEqualTo(1);
    assertThat(response.get("result").asText()).isEqualTo("hi there");
    assertThat(response.has("error")).isFalse();
  }

  @Test
  void stateIsRunningWithoutLogin() {
    assertThat(daemon.call("state", "{}").get("result").asText()).isEqualTo("running");
  }

  @Test
  void malformedJsonIsAParseErrorOverHttp200() {
    HttpResponse<String> response = daemon.post("{\"method\": \"echo\",", Optional.empty());
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode error = RunningDaemon.parse(response.body()).get("error");
    assertThat(error.get("code").asInt()).isEqualTo(-32700);
    assertThat(error.get("message").asText()).isEqualTo("Parse error");
    assertThat(error.at("/data/details").asText()).contains("not valid JSON");
    assertThat(error.at("/data").has("debug")).isTrue();
    assertThat(error.at("/data").has("info")).isTrue();
  }

  @Test
  void emptyBodyIsAParseError() {
    JsonNode error = RunningDaemon.parse(daemon.post("", Optional.empty()).body()).get("error");
    assertThat(error.get("code").asInt()).isEqualTo(-32700);
    assertThat(error.at("/data/details").asText()).contains("empty");
  }

  @Test
  void aRequestThatIsNotAnObjectIsInvalid() {
    JsonNode error =
        RunningDaemon.parse(daemon.post("[1,2]", Optional.empty()).body()).get("error");
    assertThat(error.get("code").asInt()).isEqualTo(-32600);
    assertThat(error.at("/data/details").asText()).contains("batch");
    JsonNode noMethod =
        RunningDaemon.parse(daemon.post("{\"id\":7,\"params\":{}}", Optional.empty()).body());
    assertThat(noMethod.at("/error/code").asInt()).isEqualTo(-32600);
    assertThat(noMethod.at("/error/data/details").asText()).contains("'method'");
    assertThat(noMethod.get("id").asInt()).isEqualTo(7);
  }

  @Test
  void unknownMethodIsMethodNotFoundNamingIt() {
    JsonNode error = daemon.call("server.frobnicate", "{}", Optional.of(cookie)).get("error");
    assertThat(error.get("code").asInt()).isEqualTo(-32601);
    assertThat(error.at("/data/details").asText()).contains("server.frobnicate");
  }

  @Test
  void missingParamIsInvalidParamsNamingTheParameter() {
    JsonNode error = daemon.call("echo", "{}").get("error");
    assertThat(error.get("code").asInt()).isEqualTo(-32602);
    assertThat(error.at("/data/details").asText())
        .isEqualTo("missing required parameter 'message' (a string)");
  }

  @Test
  void wrongParamTypeIsInvalidParamsSayingWhatWasSent() {
    JsonNode error = daemon.call("echo", "{\"message\": 5}").get("error");
    assertThat(error.get("code").asInt()).isEqualTo(-32602);
    assertThat(error.at("/data/details").asText())
        .isEqualTo("parameter 'message' must be a string, got a number");
    JsonNode notObject = daemon.call("echo", "[\"hi\"]").get("error");
    assertThat(notObject.at("/data/details").asText()).contains("must be a JSON object");
  }

  @Test
  void oversizedBodyIsRefusedWithAClearErrorAndTheServerKeepsWorking() {
    String big =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":{\"message\":\""
            + "x".repeat(RpcHandler.MAX_BODY_BYTES)
            + "\"}}";
    HttpResponse<String> response = daemon.post(big, Optional.empty());
    assertThat(response.statusCode()).isEqualTo(413);
    JsonNode error = RunningDaemon.parse(response.body()).get("error");
    assertThat(error.get("code").asInt()).isEqualTo(-32600);
    assertThat(error.at("/data/details").asText()).contains("1 MiB").contains("/rest/rpc/");
    assertThat(daemon.call("echo", "{\"message\":\"still here\"}").get("result").asText())
        .isEqualTo("still here");
  }

  @Test
  void unauthenticatedCallToASessionMethodIsAuthorizationError34() {
    JsonNode error = daemon.call("db.dump", "{}").get("error");
    assertThat(error.get("code").asInt()).isEqualTo(34);
    assertThat(error.get("message").asText()).isEqualTo("Unauthorized");
    assertThat(error.at("/data/details").asText()).contains("not logged in");
    JsonNode bogus =
        daemon.call("db.dump", "{}", Optional.of("session=notarealtoken")).get("error");
    assertThat(bogus.get("code").asInt()).isEqualTo(34);
  }

  @Test
  void responsesThatChangedTheDbCarryThePatchSequence() {
    HttpResponse<String> write =
        daemon.post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"db.put.ui\",\"params\":{\"pointer\":\"/theme\",\"value\":\"dark\"}}",
            Optional.of(cookie));
    assertThat(RunningDaemon.parse(write.body()).has("error")).isFalse();
    long sequence = Long.parseLong(write.headers().firstValue("X-Patch-Sequence").orElseThrow());
    assertThat(sequence).isEqualTo(daemon.startd().db().sequence());
    HttpResponse<String> read =
        daemon.post(
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":{\"message\":\"x\"}}",
            Optional.empty());
    assertThat(read.headers().firstValue("X-Patch-Sequence")).isEmpty();
  }

  @Test
  void getOnTheRpcEndpointIsRefused() throws Exception {
    var client = java.net.http.HttpClient.newHttpClient();
    var response =
        client.send(
            java.net.http.HttpRequest.newBuilder(daemon.base().resolve("/rpc/v1")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(RunningDaemon.parse(response.body()).at("/error/data/details").asText())
        .contains("POST");
  }
}
