package startos.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import startos.patchdb.PatchDbException;

class RpcDispatcherTest {
  private final AtomicBoolean setupDone = new AtomicBoolean();
  private final RpcRouter router = new RpcRouter();
  private final RpcDispatcher dispatcher = new RpcDispatcher(router, setupDone::get);
  private static final Caller ANONYMOUS = Caller.anonymousLoopback();
  private static final Caller LOGGED_IN =
      new Caller(Optional.of("session-id"), false, true, false, "test");

  RpcDispatcherTest() {
    router.register("pub", Access.PUBLIC, (p, c) -> TextNode.valueOf("pub"));
    router.register("setup.x", Access.SETUP, (p, c) -> TextNode.valueOf("setup"));
    router.register("login", Access.UNAUTHENTICATED, (p, c) -> TextNode.valueOf("login"));
    router.register("private", (p, c) -> TextNode.valueOf("private"));
    router.register(
        "broken",
        (p, c) -> {
          throw new IllegalStateException("the widget fell over");
        });
    router.register(
        "db-broken",
        (p, c) -> {
          throw new PatchDbException("the journal is full");
        });
  }

  private RpcError error(String method, Caller caller) {
    RpcOutcome outcome =
        dispatcher.dispatch(
            new RpcRequest(null, method, JsonNodeFactory.instance.objectNode()), caller);
    assertThat(outcome).isInstanceOf(RpcOutcome.Failure.class);
    return ((RpcOutcome.Failure) outcome).error();
  }

  private String result(String method, Caller caller) {
    RpcOutcome outcome =
        dispatcher.dispatch(
            new RpcRequest(null, method, JsonNodeFactory.instance.objectNode()), caller);
    assertThat(outcome).isInstanceOf(RpcOutcome.Success.class);
    return ((RpcOutcome.Success) outcome).result().asText();
  }

  @Test
  void beforeSetupOnlyPublicAndSetupMethodsAnswer() {
    assertThat(result("pub", ANONYMOUS)).isEqualTo("pub");
    assertThat(result("setup.x", ANONYMOUS)).isEqualTo("setup");
    assertThat(error("login", ANONYMOUS).code()).isEqualTo(40);
    RpcError gated = error("private", LOGGED_IN);
    assertThat(gated.code()).isEqualTo(ErrorKind.UNINITIALIZED.code());
    assertThat(gated.message()).isEqualTo("Uninitialized");
    assertThat(gated.details()).contains("setup.execute");
  }

  @Test
  void afterSetupSetupMethodsRefuseAndSessionMethodsNeedASession() {
    setupDone.set(true);
    assertThat(error("setup.x", ANONYMOUS).code()).isEqualTo(38);
    assertThat(result("login", ANONYMOUS)).isEqualTo("login");
    assertThat(error("private", ANONYMOUS).code()).isEqualTo(34);
    assertThat(result("private", LOGGED_IN)).isEqualTo("private");
    Caller cli = new Caller(Optional.empty(), true, true, false, "");
    assertThat(result("private", cli)).isEqualTo("private");
  }

  @Test
  void exceptionsMapToStartOsErrorsInOnePlace() {
    setupDone.set(true);
    RpcError unknown = error("broken", LOGGED_IN);
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.details()).isEqualTo("the widget fell over");
    RpcError db = error("db-broken", LOGGED_IN);
    assertThat(db.code()).isEqualTo(29);
    assertThat(db.message()).isEqualTo("Database Error");
    assertThat(error("nope", LOGGED_IN).code()).isEqualTo(-32601);
  }

  @Test
  void paramsErrorsNameTheParameterAndTheTypes() {
    var params = Params.of(JsonNodeFactory.instance.objectNode().put("ids", "x").put("n", 1.5));
    assertThat(
            org.assertj.core.api.Assertions.catchThrowableOfType(
                ProtocolException.class, () -> params.stringList("ids")))
        .hasMessage("parameter 'ids' must be an array, got a string");
    assertThat(
            org.assertj.core.api.Assertions.catchThrowableOfType(
                ProtocolException.class, () -> params.optionalLong("n")))
        .hasMessage("parameter 'n' must be an integer, got a number");
    assertThat(params.bool("missing", true)).isTrue();
  }
}
