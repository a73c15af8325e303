package startos.setup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import startos.model.Database;
import startos.notification.Notifications;
import startos.patchdb.PatchDb;
import startos.rpc.Caller;
import startos.rpc.RpcDispatcher;
import startos.rpc.RpcOutcome;
import startos.rpc.RpcRequest;
import startos.rpc.RpcRouter;
import startos.server.ServerApi;

/** The features wired as the daemon wires them, driven through the core's dispatcher. */
class FirstBootFlowTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Caller ANONYMOUS = Caller.anonymousLoopback();
  private static final Caller LOGGED_IN =
      new Caller(Optional.of("hashed-session"), false, true, false, "test");

  @TempDir Path dataDir;

  @Test
  void aFreshServerIsSetUpThenServesItsSessionMethods() throws Exception {
    PatchDb db = PatchDb.inMemory();
    InitialDb.ensure(new Database(db));
    RpcRouter router = new RpcRouter();
    new SetupApi(new Database(db)).register(router);
    new ServerApi(new Database(db), dataDir).register(router);
    new Notifications(new Database(db)).register(router);
    RpcDispatcher dispatcher =
        new RpcDispatcher(
            router, () -> db.get("/private/setupComplete").map(JsonNode::asBoolean).orElse(false));

    assertThat(result(dispatcher, "setup.status", "{}", ANONYMOUS).get("status").asText())
        .isEqualTo("incomplete");
    assertThat(error(dispatcher, "server.time", "{}", LOGGED_IN).get("code").asInt())
        .as("Uninitialized before setup")
        .isEqualTo(40);

    JsonNode executed =
        result(
            dispatcher,
            "setup.execute",
            "{\"password\":\"a long enough password\",\"hostname\":\"calm-heron\"}",
            ANONYMOUS);
    assertThat(executed.get("hostname").asText()).isEqualTo("calm-heron");
    assertThat(result(dispatcher, "setup.complete", "{}", ANONYMOUS)).isEqualTo(executed);

    assertThat(error(dispatcher, "setup.status", "{}", ANONYMOUS).get("code").asInt())
        .as("setup methods close once setup is complete")
        .isEqualTo(38);
    assertThat(result(dispatcher, "server.time", "{}", LOGGED_IN).has("uptime")).isTrue();
    assertThat(result(dispatcher, "server.metrics", "{}", LOGGED_IN).has("cpu")).isTrue();
    result(
        dispatcher,
        "notification.create",
        "{\"level\":\"info\",\"title\":\"Welcome\",\"message\":\"set up\"}",
        LOGGED_IN);
    assertThat(result(dispatcher, "notification.list", "{}", LOGGED_IN)).hasSize(1);
    assertThat(db.get("/public/serverInfo/unreadNotificationCount").orElseThrow().asInt())
        .isEqualTo(1);
    JsonNode notFound = error(dispatcher, "notification.remove", "{\"ids\":[5]}", LOGGED_IN);
    assertThat(notFound.get("code").asInt()).isEqualTo(6);
    assertThat(notFound.toString()).contains("notification #5 does not exist");
  }

  private static JsonNode result(
      RpcDispatcher dispatcher, String method, String params, Caller caller) throws Exception {
    RpcOutcome outcome =
        dispatcher.dispatch(
            new RpcRequest(JSON.valueToTree(1), method, JSON.readTree(params)), caller);
    assertThat(outcome).as(method + " → " + outcome).isInstanceOf(RpcOutcome.Success.class);
    return ((RpcOutcome.Success) outcome).result();
  }

  private static JsonNode error(
      RpcDispatcher dispatcher, String method, String params, Caller caller) throws Exception {
    RpcOutcome outcome =
        dispatcher.dispatch(
            new RpcRequest(JSON.valueToTree(1), method, JSON.readTree(params)), caller);
    assertThat(outcome).as(method).isInstanceOf(RpcOutcome.Failure.class);
    return ((RpcOutcome.Failure) outcome).error().toJson();
  }
}
